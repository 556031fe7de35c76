/* cli_child.h - the conform CLI as a child process for tests: start it with arguments, an
 * environment and a working directory, capture stdout/stderr, signal it; temp dirs and report
 * files around it. Everything the child needs is built before fork(), since test servers run
 * threads in the test process. Failures fail the calling Criterion test. */
#ifndef CF_TEST_CLI_CHILD_H
#define CF_TEST_CLI_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "base/buf.h"

#define CF_TEST_CONFORM CONFORM_BINARY_DIR "/conform"

typedef struct {
    pid_t pid;
    int out_fd; /* the child's stdout and stderr, read by cf_child_finish() */
    int err_fd;
    int status; /* exit status; 128 + N when killed by signal N */
    cf_buf out;
    cf_buf err;
} cf_child;

/* Starts the CLI with `args` (NULL-terminated, without argv[0]) in `cwd` (NULL: here), with
 * `env` ("NAME=VALUE", NULL-terminated, may be NULL) added to the environment. */
void cf_child_start(cf_child *p, const char *cwd, const char *const *env, const char *const *args);
/* Reads its output to the end and waits for it. */
void cf_child_finish(cf_child *p);
/* Start and finish. */
void cf_child_run(cf_child *p, const char *cwd, const char *const *env, const char *const *args);
void cf_child_cleanup(cf_child *p);

/* A fresh directory under /tmp; remove it with cf_test_remove_tree(). */
void cf_test_tmpdir(char *out, size_t n);
void cf_test_remove_tree(const char *path);
/* The whole file as a NUL-terminated string (its length in *len when len is given; the file
 * may hold NUL bytes); NULL when it cannot be read. */
char *cf_test_read_file(const char *path, size_t *len);
/* DIR/NAME as a NUL-terminated string; NULL when it cannot be read. */
char *cf_test_slurp(const char *dir, const char *name);
/* DIR/report.json parsed; fails the test when it is missing or not JSON. */
cJSON *cf_test_load_report(const char *dir);

#endif
