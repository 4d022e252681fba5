/* Ctrl-C and SIGTERM ask a long run to stop at the next safe point (the
 * end of a batch, of a trial), so that what it has done can be kept. */
#include "cli.h"

#include <signal.h>
#include <string.h>

/* The signal that asked to stop, 0 until one did: a signal handler can only
 * reach state of the whole process. */
static volatile sig_atomic_t stop_signal;

/* An atomic store (lock-free, so safe in a handler): the flag is read on
 * other threads too (tune's trials). */
static void on_stop_signal(int sig) { __atomic_store_n(&stop_signal, sig, __ATOMIC_RELAXED); }

const volatile sig_atomic_t *cli_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_signal;
}

int cli_stopped(void) { return __atomic_load_n(&stop_signal, __ATOMIC_RELAXED) != 0; }

int cli_interrupted_status(void) { return __atomic_load_n(&stop_signal, __ATOMIC_RELAXED) == SIGTERM ? 143 : 130; }
