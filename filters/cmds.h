/* cmds.h - the filters callable in-process: cmd_NAME(argc, argv) is
 * NAME's program logic (options, inputs, output, status); filters/NAME.c's
 * main() only calls it, and is left out with -DFP_NO_MAIN (the fuzz
 * targets link the filter's objects and call cmd_NAME directly).
 * One line per filter. */
#ifndef FP_CMDS_H
#define FP_CMDS_H

int cmd_callgrind2events(int argc, char **argv);
int cmd_cpuprofile2events(int argc, char **argv);
int cmd_eventdiff(int argc, char **argv);
int cmd_eventmerge(int argc, char **argv);
int cmd_eventreduce(int argc, char **argv);
int cmd_events2folded(int argc, char **argv);
int cmd_events2nflxprofile(int argc, char **argv);
int cmd_events2pprof(int argc, char **argv);
int cmd_events2speedscope(int argc, char **argv);
int cmd_events2svg(int argc, char **argv);
int cmd_events2html(int argc, char **argv);
int cmd_events2trace(int argc, char **argv);
int cmd_eventsort(int argc, char **argv);
int cmd_folded2events(int argc, char **argv);
int cmd_heatmap(int argc, char **argv);
int cmd_nflxprofile2events(int argc, char **argv);
int cmd_perf2events(int argc, char **argv);
int cmd_pprof2events(int argc, char **argv);
int cmd_spans2events(int argc, char **argv);
int cmd_speedscope2events(int argc, char **argv);
int cmd_stacks2events(int argc, char **argv);
int cmd_timeslice(int argc, char **argv);
int cmd_toevents(int argc, char **argv);
int cmd_trace2events(int argc, char **argv);

#endif
