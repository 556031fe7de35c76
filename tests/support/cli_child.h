/* cli_child.h - every child process of the tests (the conform CLI first, any program too): start
 * it with arguments, an environment and a working directory, capture stdout and stderr, signal
 * it; temp dirs and report files around it. Everything the child needs is built before fork(),
 * since test servers run threads in the test process. Both outputs are always read together
 * (poll on both pipes), so a child that fills one while we wait on the other cannot hang; every
 * wait has a timeout after which the child is killed. Failures fail the calling Criterion test.
 *
 * Memory: a cf_child owns its output buffers; cf_child_cleanup() frees them. Strings returned
 * by cf_test_read_file() and cf_test_slurp() are the caller's to free(); cf_test_load_report()
 * returns a cJSON tree for cJSON_Delete(). */
#ifndef CF_TEST_CLI_CHILD_H
#define CF_TEST_CLI_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "base/buf.h"

#define CF_TEST_CONFORM CONFORM_BINARY_DIR "/conform"
#define CF_CHILD_TIMEOUT_MS 60000u /* how long cf_child_finish() waits for a child */

typedef struct {
    pid_t pid;
    int out_fd; /* the child's stdout and stderr while open; -1 once read to the end */
    int err_fd;
    int status; /* exit status; 128 + N when killed by signal N */
    cf_buf out;
    cf_buf err;
} cf_child;

/* Starts `prog` (a path, or a name looked up in PATH) with `args` (NULL-terminated, without
 * argv[0]) in `cwd` (NULL: here), with `env` ("NAME=VALUE", NULL-terminated, may be NULL) added
 * to the environment (a bare "NAME" removes NAME from it), and NO_COLOR=1, CI= always. */
void cf_child_spawn(cf_child *p, const char *prog, const char *cwd, const char *const *env,
                    const char *const *args);
/* cf_child_spawn() of the conform CLI. */
void cf_child_start(cf_child *p, const char *cwd, const char *const *env, const char *const *args);
/* Reads both outputs until `needle` shows in stdout or stderr; fails the test when the child
 * closes them first or `timeout_ms` passes. */
void cf_child_await(cf_child *p, const char *needle, unsigned timeout_ms);
/* Reads both outputs to the end and waits for the exit; past `timeout_ms` the child is killed
 * and the test fails. */
void cf_child_finish_within(cf_child *p, unsigned timeout_ms);
/* cf_child_finish_within(p, CF_CHILD_TIMEOUT_MS). */
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
/* DIR/NAME parsed; fails the test when it is missing or not JSON. */
cJSON *cf_test_load_json(const char *dir, const char *name);
/* cf_test_load_json(dir, "report.json"). */
cJSON *cf_test_load_report(const char *dir);

#endif
