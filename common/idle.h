/* idle.h - the one definition of an idle sample (docs/heatmap.md §3) */
#ifndef FP_IDLE_H
#define FP_IDLE_H

#include "events.h"

/*
 * A sample is idle when the CPU was in its idle loop:
 *
 *   1. its COMM (escaped field 6) contains "swapper", the idle task, and
 *   2. its STACK (escaped, root-first field 9) has an idle frame: a frame
 *      whose name contains cpuidle, cpu_idle, cpu_bringup_and_idle,
 *      native_safe_halt, xen_hypercall_sched_op or xen_hypercall_vcpu_op
 *      (FlameScope's idle_stack list), or that carries the `idle attribute, and
 *   3. no frame leafward of the first idle frame is interrupt work: a name
 *      containing "softirq", "irq_exit", "do_IRQ" or "interrupt" (softirq
 *      and interrupt handlers that run on the idle task do real work;
 *      FlameScope drops them, Netflix/flamescope #83, #143).
 *
 * FlameScope's rule is 1 and 2 only. Names are matched as written in the
 * stream (escaped); the idle names are plain ASCII, so escaping does not
 * change the result. A sample without a COMM ("-") is never idle. STACK
 * may run on past a TAB (extra fields, evscan.h): the TAB ends it.
 */
int idle_sample(struct slice comm, struct slice stack);

#endif
