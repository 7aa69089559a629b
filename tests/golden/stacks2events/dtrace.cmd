stacks2events ../../data/stacks/dtrace-ustack.txt ../../data/stacks/dtrace-execname-stack.txt
