#ifndef AGENTWS_SCHEDULING_H
#define AGENTWS_SCHEDULING_H

#include <pthread.h>

/* CPU affinity, which the C library declares only under _GNU_SOURCE and Swift cannot import. */

/* Makes a thread created with `attr` start on one of the calling thread's CPUs other than the one
   the caller runs on now. Returns 0 when it did; -1 when there is no other CPU, or the sets cannot
   be read or set (then `attr` is as it was). */
int agentws_attr_start_on_another_cpu(pthread_attr_t *attr);

/* Lets the calling thread run on every CPU the process's main thread may run on. Returns 0, or -1
   when the set cannot be read or set. */
int agentws_thread_run_anywhere(void);

/* 1 when the calling thread may run on exactly the CPUs of the process's main thread, 0 when not,
   -1 when the sets cannot be read. */
int agentws_thread_runs_anywhere(void);

#endif
