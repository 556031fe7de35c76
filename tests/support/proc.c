/* proc.c - child processes for CLI tests: run, capture stdout/stderr, interrupt, time out. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Appends what is readable on fd; returns 0 at EOF. */
static int drain(int fd, char **buf, size_t *len)
{
    char chunk[8192];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0)
        return n < 0 && errno == EINTR;
    char *p = realloc(*buf, *len + (size_t)n + 1);
    if (!p)
        return 0;
    memcpy(p + *len, chunk, (size_t)n);
    *len += (size_t)n;
    p[*len] = '\0';
    *buf = p;
    return 1;
}

int cf_test_proc_run(const char *const *argv, const char *const *env, int interrupt_after_ms,
                     int timeout_s, cf_test_proc *out)
{
    memset(out, 0, sizeof(*out));
    out->status = -1;
    out->out = calloc(1, 1);
    out->err = calloc(1, 1);
    int po[2], pe[2];
    if (!out->out || !out->err || pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        for (const char *const *e = env; e && *e; e++) {
            const char *eq = strchr(*e, '=');
            char name[256];
            size_t n = eq ? (size_t)(eq - *e) : 0;
            if (n == 0 || n >= sizeof(name))
                continue;
            memcpy(name, *e, n);
            name[n] = '\0';
            setenv(name, eq + 1, 1);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        return -1;
    }
    double start = now_ms();
    int open_out = 1, open_err = 1, interrupted = 0;
    while (open_out || open_err) {
        struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        poll(fds, 2, 50);
        if (open_out && (fds[0].revents & (POLLIN | POLLHUP)))
            open_out = drain(po[0], &out->out, &out->out_len);
        if (open_err && (fds[1].revents & (POLLIN | POLLHUP)))
            open_err = drain(pe[0], &out->err, &out->err_len);
        double elapsed = now_ms() - start;
        if (interrupt_after_ms > 0 && !interrupted && elapsed >= interrupt_after_ms) {
            kill(pid, SIGINT);
            interrupted = 1;
        }
        if (elapsed > timeout_s * 1000.0) {
            kill(pid, SIGKILL);
            break;
        }
    }
    close(po[0]);
    close(pe[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    out->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return out->status;
}

void cf_test_proc_cleanup(cf_test_proc *p)
{
    if (!p)
        return;
    free(p->out);
    free(p->err);
    memset(p, 0, sizeof(*p));
}
