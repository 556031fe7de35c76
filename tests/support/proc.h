/* proc.h - runs the conform binary (or any program) as a child process for CLI tests. */
#ifndef CF_TEST_PROC_H
#define CF_TEST_PROC_H

#include <stddef.h>

/* Result of one run. Memory: cf_test_proc_cleanup() frees the captured output. */
typedef struct {
    int status; /* exit status; 128 + signal number when killed; -1 when it could not run */
    char *out;  /* everything written to stdout, NUL-terminated (never NULL after a run) */
    char *err;  /* everything written to stderr */
    size_t out_len;
    size_t err_len;
} cf_test_proc;

/* Runs argv (argv[0] is the path) with `env` entries ("NAME=VALUE", NULL-terminated, may be
 * NULL) added to the environment, stdin from /dev/null. If `interrupt_after_ms` > 0 the child
 * gets SIGINT that long after it started. The child is killed after `timeout_s`. */
int cf_test_proc_run(const char *const *argv, const char *const *env, int interrupt_after_ms,
                     int timeout_s, cf_test_proc *out);
void cf_test_proc_cleanup(cf_test_proc *p);

/* Path of the conform CLI built alongside the tests. */
#define CF_TEST_CONFORM CONFORM_BINARY_DIR "/conform"

#endif
