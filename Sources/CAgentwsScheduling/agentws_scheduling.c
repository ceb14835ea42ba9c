#define _GNU_SOURCE
#include "agentws_scheduling.h"

#include <sched.h>
#include <unistd.h>

/* cpu_set_t holds 1024 CPUs; on a machine with more, the calls fail with EINVAL and these report
   -1, which their callers take as "leave scheduling alone". */

int agentws_attr_start_on_another_cpu(pthread_attr_t *attr) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    int current = sched_getcpu();
    if (current < 0 || current >= CPU_SETSIZE || !CPU_ISSET(current, &set)) return -1;
    CPU_CLR(current, &set);
    if (CPU_COUNT(&set) == 0) return -1;
    return pthread_attr_setaffinity_np(attr, sizeof set, &set) == 0 ? 0 : -1;
}

int agentws_thread_run_anywhere(void) {
    cpu_set_t set;
    /* The process id names the main thread. */
    if (sched_getaffinity(getpid(), sizeof set, &set) != 0) return -1;
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -1;
}

int agentws_thread_runs_anywhere(void) {
    cpu_set_t mine, main_thread;
    if (sched_getaffinity(0, sizeof mine, &mine) != 0) return -1;
    if (sched_getaffinity(getpid(), sizeof main_thread, &main_thread) != 0) return -1;
    return CPU_EQUAL(&mine, &main_thread) ? 1 : 0;
}
