/* watch.c - the epoll set a transport waits on, kept in step with the sockets curl watches. */
#include "http/watch.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

/* Sockets with a number at or past this are watched without a record: added and removed as
 * curl says. It bounds the table (8 bytes a socket) whatever the descriptor limit is. */
#define WATCH_MAX_FD (1 << 16)

/* What the set holds for one socket number. */
typedef struct {
    uint32_t events;       /* EPOLLIN/EPOLLOUT registered, when in_set */
    unsigned char in_set;  /* in the epoll set */
    unsigned char ours;    /* opened by cf_watch_open(), not yet closed by cf_watch_close() */
    unsigned char watched; /* curl watches it now (no REMOVE since its last ask) */
} fd_state;

struct cf_watch {
    int epfd;
    fd_state *fds; /* by socket number, `cap` of them; zeroed: not in the set */
    size_t cap;
};

cf_rc cf_watch_new(cf_watch **out)
{
    *out = NULL;
    cf_watch *w = calloc(1, sizeof(*w));
    if (!w)
        return CF_E_NOMEM;
    if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        free(w);
        return CF_E_NOMEM;
    }
    *out = w;
    return CF_OK;
}

void cf_watch_free(cf_watch *w)
{
    if (!w)
        return;
    close(w->epfd);
    free(w->fds);
    free(w);
}

int cf_watch_epoll_fd(const cf_watch *w)
{
    return w->epfd;
}

/* The record of socket `fd` if the table holds one, without growing it. */
static fd_state *recorded(const cf_watch *w, int fd)
{
    return fd >= 0 && (size_t)fd < w->cap ? &w->fds[fd] : NULL;
}

/* The record of socket `fd`, the table grown to hold it; NULL past WATCH_MAX_FD or without
 * memory (the socket is then watched without a record). */
static fd_state *state_of(cf_watch *w, int fd)
{
    if (fd < 0 || fd >= WATCH_MAX_FD)
        return NULL;
    if ((size_t)fd >= w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap <= (size_t)fd)
            cap *= 2;
        fd_state *grown = realloc(w->fds, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        memset(grown + w->cap, 0, (cap - w->cap) * sizeof(*grown));
        w->fds = grown;
        w->cap = cap;
    }
    return &w->fds[fd];
}

/* Adds or changes `fd` in the set. A record can be stale (a socket closed behind the watch's
 * back leaves the set with its close; its number comes back for a new one), so each call
 * falls back to the other operation. */
static int put(cf_watch *w, int fd, uint32_t events, int in_set)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.fd = fd;
    if (in_set && epoll_ctl(w->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    return errno == EEXIST ? epoll_ctl(w->epfd, EPOLL_CTL_MOD, fd, &ev) : -1;
}

/* A socket curl stops watching may already be closed: the kernel then dropped it from the
 * set, and EPOLL_CTL_DEL's ENOENT/EBADF is expected. */
static void drop(cf_watch *w, int fd, fd_state *st)
{
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, fd, NULL);
    if (st)
        st->in_set = 0;
}

int cf_watch_set(cf_watch *w, int fd, int what)
{
    fd_state *st = state_of(w, fd);
    if (what == CURL_POLL_REMOVE) {
        if (st && st->ours && st->in_set)
            st->watched = 0; /* kept while the connection idles */
        else
            drop(w, fd, st);
        return 0;
    }
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    /* Only a socket whose close the watch sees can be trusted to still be in the set. */
    if (st && st->ours && st->in_set && st->events == events) {
        st->watched = 1;
        return 0;
    }
    if (put(w, fd, events, st ? st->in_set : 1) != 0)
        return -1;
    if (st) {
        st->in_set = 1;
        st->events = events;
        st->watched = 1;
    }
    return 0;
}

int cf_watch_event(cf_watch *w, int fd)
{
    fd_state *st = recorded(w, fd);
    if (!st || !st->ours || st->watched)
        return 1;
    drop(w, fd, st);
    return 0;
}

int cf_watch_open(cf_watch *w, int family, int type, int protocol)
{
    int fd = socket(family, type | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return -1;
    fd_state *st = state_of(w, fd);
    if (st) {
        memset(st, 0, sizeof(*st));
        st->ours = 1;
    }
    return fd;
}

int cf_watch_close(cf_watch *w, int fd)
{
    /* Closing the only descriptor of the socket takes it out of the epoll set. */
    fd_state *st = recorded(w, fd);
    if (st)
        memset(st, 0, sizeof(*st));
    return close(fd);
}
