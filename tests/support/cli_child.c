/* cli_child.c - child processes for tests (both outputs read together, every wait bounded), and
 * the files around a run. */
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
#include "base/timefmt.h"
#include "net_util.h"

extern char **environ;

#define OUTPUT_MAX (32u * 1024u * 1024u) /* bytes of a child's stdout or stderr kept */

/* Whether environment entry `entry` ("NAME=...") sets the variable named by `name_eq`'s NAME. */
static int same_name(const char *entry, const char *name_eq)
{
    size_t n = strcspn(name_eq, "=");
    return strncmp(entry, name_eq, n) == 0 && entry[n] == '=';
}

/* `prog` as a path to exec: itself when it holds a '/', else the first PATH entry where it is
 * executable. Done before fork(), like everything else the child needs. */
static void resolve(const char *prog, char *out, size_t n)
{
    snprintf(out, n, "%s", prog);
    if (strchr(prog, '/'))
        return;
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(out, n, "%.*s/%s", (int)len, path, prog);
        if (len && access(out, X_OK) == 0)
            return;
        path += len + (path[len] == ':');
    }
    snprintf(out, n, "%s", prog); /* execve fails, the child exits 127 */
}

void cf_child_spawn(cf_child *p, const char *prog, const char *cwd, const char *const *env,
                    const char *const *args)
{
    static const char *const fixed[] = {"NO_COLOR=1", "CI=", NULL};
    memset(p, 0, sizeof(*p));
    p->out_fd = p->err_fd = -1;
    cf_buf_init(&p->out, OUTPUT_MAX);
    cf_buf_init(&p->err, OUTPUT_MAX);
    char path[4096];
    resolve(prog, path, sizeof(path));
    char *argv[64];
    size_t n = 0;
    argv[n++] = (char *)prog;
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
        if (strchr(*x, '=')) /* a bare NAME only removes */
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
        execve(path, argv, envp);
        _exit(127);
    }
    free(envp);
    close(out[1]);
    close(err[1]);
    p->out_fd = out[0];
    p->err_fd = err[0];
}

void cf_child_start(cf_child *p, const char *cwd, const char *const *env, const char *const *args)
{
    cf_child_spawn(p, CF_TEST_CONFORM, cwd, env, args);
}

/* One round of reading: waits up to `wait_ms` for either output, reads what is there from both
 * and closes a pipe at its end. Returns how many pipes are still open. */
static int pump(cf_child *p, int wait_ms)
{
    int *fds[2] = {&p->out_fd, &p->err_fd};
    cf_buf *bufs[2] = {&p->out, &p->err};
    struct pollfd pfd[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
    if (poll(pfd, 2, wait_ms) < 0) {
        cr_assert_eq(errno, EINTR, "poll: %s", strerror(errno));
        return (p->out_fd >= 0) + (p->err_fd >= 0);
    }
    for (int i = 0; i < 2; i++) {
        if (pfd[i].fd < 0 || !pfd[i].revents)
            continue;
        char chunk[65536];
        ssize_t got = read(pfd[i].fd, chunk, sizeof(chunk));
        if (got > 0) {
            cr_assert_eq(cf_buf_add(bufs[i], chunk, (size_t)got), CF_OK);
        } else if (got == 0 || errno != EINTR) {
            close(pfd[i].fd);
            *fds[i] = -1;
        }
    }
    return (p->out_fd >= 0) + (p->err_fd >= 0);
}

/* Milliseconds left until `deadline` (a cf_time_mono_ms() value), at least 0. */
static int left_ms(double deadline)
{
    double left = deadline - cf_time_mono_ms();
    return left > 0 ? (int)left + 1 : 0;
}

void cf_child_await(cf_child *p, const char *needle, unsigned timeout_ms)
{
    double deadline = cf_time_mono_ms() + timeout_ms;
    for (;;) {
        if (strstr(cf_buf_str(&p->out), needle) || strstr(cf_buf_str(&p->err), needle))
            return;
        cr_assert_gt(left_ms(deadline), 0, "no '%s' from the child within %u ms\n%s\n%s", needle,
                     timeout_ms, cf_buf_str(&p->out), cf_buf_str(&p->err));
        cr_assert_gt(pump(p, left_ms(deadline)), 0, "the child ended without '%s'\n%s\n%s", needle,
                     cf_buf_str(&p->out), cf_buf_str(&p->err));
    }
}

/* Kills a child that outlived its time and fails the test. */
static void overdue(cf_child *p, unsigned timeout_ms)
{
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    cr_assert_fail("the child did not finish within %u ms (killed)\n%s\n%s", timeout_ms,
                   cf_buf_str(&p->out), cf_buf_str(&p->err));
}

void cf_child_finish_within(cf_child *p, unsigned timeout_ms)
{
    double deadline = cf_time_mono_ms() + timeout_ms;
    while ((p->out_fd >= 0 || p->err_fd >= 0) && left_ms(deadline) > 0)
        pump(p, left_ms(deadline));
    if (p->out_fd >= 0 || p->err_fd >= 0)
        overdue(p, timeout_ms);
    int st = 0;
    pid_t got;
    /* Both pipes are closed; the child may still be on its way out. */
    while ((got = waitpid(p->pid, &st, WNOHANG)) == 0 && left_ms(deadline) > 0)
        cf_test_sleep_ms(5);
    if (got == 0)
        overdue(p, timeout_ms);
    cr_assert_eq(got, p->pid, "waitpid: %s", strerror(errno));
    p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    /* Both always hold a (possibly empty) string from here on. */
    cr_assert_eq(cf_buf_adds(&p->out, ""), CF_OK);
    cr_assert_eq(cf_buf_adds(&p->err, ""), CF_OK);
}

void cf_child_finish(cf_child *p)
{
    cf_child_finish_within(p, CF_CHILD_TIMEOUT_MS);
}

void cf_child_run(cf_child *p, const char *cwd, const char *const *env, const char *const *args)
{
    cf_child_start(p, cwd, env, args);
    cf_child_finish(p);
}

void cf_child_cleanup(cf_child *p)
{
    if (p->out_fd >= 0)
        close(p->out_fd);
    if (p->err_fd >= 0)
        close(p->err_fd);
    p->out_fd = p->err_fd = -1;
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
cJSON *cf_test_load_json(const char *dir, const char *name)
{
    char *text = cf_test_slurp(dir, name);
    cr_assert_not_null(text, "no %s/%s", dir, name);
    cJSON *json = NULL;
    cf_rc rc = cf_json_parse(text, strlen(text), 512, &json, NULL);
    cr_assert_eq(rc, CF_OK, "%s is not JSON: %.300s", name, text);
    free(text);
    return json;
}

cJSON *cf_test_load_report(const char *dir)
{
    return cf_test_load_json(dir, "report.json");
}
