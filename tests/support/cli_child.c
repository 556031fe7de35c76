/* cli_child.c - the conform CLI as a child process for tests, and the files around a run. */
#include "cli_child.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/json.h"

extern char **environ;

#define OUTPUT_MAX (32u * 1024u * 1024u) /* bytes of a child's stdout or stderr kept */

/* Whether environment entry `entry` ("NAME=...") sets the variable named by `name_eq`'s NAME. */
static int same_name(const char *entry, const char *name_eq)
{
    size_t n = strcspn(name_eq, "=");
    return strncmp(entry, name_eq, n) == 0 && entry[n] == '=';
}

/* Starts CF_TEST_CONFORM with `args` (NULL-terminated, without argv[0]) in `cwd` (NULL: here),
 * with `env` ("NAME=VALUE", NULL-terminated, may be NULL) added to the environment. Everything
 * the child needs is built before fork(): test servers run threads in this process. */
void cf_child_start(cf_child *p, const char *cwd, const char *const *env, const char *const *args)
{
    static const char *const fixed[] = {"NO_COLOR=1", "CI=", NULL};
    memset(p, 0, sizeof(*p));
    cf_buf_init(&p->out, OUTPUT_MAX);
    cf_buf_init(&p->err, OUTPUT_MAX);
    char *argv[64];
    size_t n = 0;
    argv[n++] = (char *)CF_TEST_CONFORM;
    for (; args && *args && n < 63; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    size_t have = 0;
    while (environ[have])
        have++;
    char **envp = calloc(have + 64, sizeof(*envp));
    cr_assert_not_null(envp);
    size_t e = 0;
    for (size_t i = 0; i < have; i++) {
        int replaced = 0;
        for (const char *const *x = env; x && *x && !replaced; x++)
            replaced = same_name(environ[i], *x);
        for (const char *const *x = fixed; *x && !replaced; x++)
            replaced = same_name(environ[i], *x);
        if (!replaced)
            envp[e++] = environ[i];
    }
    for (const char *const *x = env; x && *x && e < have + 60; x++)
        envp[e++] = (char *)*x;
    for (const char *const *x = fixed; *x; x++)
        envp[e++] = (char *)*x;
    envp[e] = NULL;
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    fflush(NULL);
    p->pid = fork();
    cr_assert_neq(p->pid, -1);
    if (p->pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        signal(SIGINT, SIG_DFL);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        execve(CF_TEST_CONFORM, argv, envp);
        _exit(127);
    }
    free(envp);
    close(out[1]);
    close(err[1]);
    p->out_fd = out[0];
    p->err_fd = err[0];
}

/* Reads both outputs to the end and waits for the exit. */
void cf_child_finish(cf_child *p)
{
    struct pollfd fds[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
    cf_buf *bufs[2] = {&p->out, &p->err};
    int open_fds = 2;
    while (open_fds) {
        if (poll(fds, 2, -1) < 0) {
            cr_assert_eq(errno, EINTR);
            continue;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !fds[i].revents)
                continue;
            char chunk[65536];
            ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
            if (got > 0) {
                cr_assert_eq(cf_buf_add(bufs[i], chunk, (size_t)got), CF_OK);
            } else if (got == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int st = 0;
    while (waitpid(p->pid, &st, 0) < 0)
        cr_assert_eq(errno, EINTR);
    p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    /* Both always hold a (possibly empty) string from here on. */
    cr_assert_eq(cf_buf_adds(&p->out, ""), CF_OK);
    cr_assert_eq(cf_buf_adds(&p->err, ""), CF_OK);
}

void cf_child_run(cf_child *p, const char *cwd, const char *const *env, const char *const *args)
{
    cf_child_start(p, cwd, env, args);
    cf_child_finish(p);
}

void cf_child_cleanup(cf_child *p)
{
    cf_buf_free(&p->out);
    cf_buf_free(&p->err);
}

/* ---- temporary report directories and their files ----------------------------------------- */

void cf_test_tmpdir(char *out, size_t n)
{
    snprintf(out, n, "/tmp/conform-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(out), "mkdtemp: %s", strerror(errno));
}

/* Removes `path` and everything under it. */
void cf_test_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[4096];
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            cf_test_remove_tree(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* The whole file as a NUL-terminated string; NULL when it cannot be read. */
char *cf_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cf_buf b;
    cf_buf_init(&b, 256u * 1024u * 1024u);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cr_assert_eq(cf_buf_add(&b, chunk, got), CF_OK);
    fclose(f);
    cr_assert_eq(cf_buf_adds(&b, ""), CF_OK);
    if (len)
        *len = b.len;
    return cf_buf_take(&b);
}

char *cf_test_slurp(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return cf_test_read_file(path, NULL);
}

/* DIR/report.json parsed; fails the test when it is missing or not JSON. */
cJSON *cf_test_load_report(const char *dir)
{
    char *text = cf_test_slurp(dir, "report.json");
    cr_assert_not_null(text, "no %s/report.json", dir);
    cJSON *json = NULL;
    cf_rc rc = cf_json_parse(text, strlen(text), 512, &json, NULL);
    cr_assert_eq(rc, CF_OK, "report.json is not JSON: %.300s", text);
    free(text);
    return json;
}
