/* watch.h - the epoll set a transport waits on, kept in step with the sockets curl watches.
 *
 * curl says "remove" for a connection's socket after every transfer and asks to watch it
 * again for the next one: followed literally, that is two epoll_ctl calls per request, a
 * tenth of the client's CPU on a loopback run. Sockets curl opened through cf_watch_open()
 * (its CURLOPT_OPENSOCKETFUNCTION) and closes through cf_watch_close() have a lifetime the
 * watch sees whole, so they stay in the set while their connection idles in curl's cache and
 * a request reusing it costs no epoll_ctl. An idle socket that turns ready (the server closed
 * it, sent stray bytes) is dropped from the set when its event comes (cf_watch_event() says
 * it is not for curl); curl finds the connection dead when it next looks. Other sockets
 * (a resolver's) are added and removed as curl says.
 *
 * Memory: cf_watch_free() accepts NULL and closes the epoll descriptor, not the sockets
 * (curl closes them). */
#ifndef CF_HTTP_WATCH_H
#define CF_HTTP_WATCH_H

#include "base/rc.h"

typedef struct cf_watch cf_watch;

CF_WUR cf_rc cf_watch_new(cf_watch **out);
void cf_watch_free(cf_watch *w);

/* The epoll descriptor to wait on; events carry the socket in data.fd. */
int cf_watch_epoll_fd(const cf_watch *w);

/* What to watch on `fd` now: `what` is curl's CURL_POLL_IN/OUT/INOUT/REMOVE. Returns 0, or -1
 * when the socket could not be added (curl then fails the transfers on it). */
int cf_watch_set(cf_watch *w, int fd, int what);

/* Whether an event on `fd` is for curl: 0 for a kept idle socket curl does not watch (it is
 * dropped from the set here), 1 otherwise. */
int cf_watch_event(cf_watch *w, int fd);

/* curl's open and close of a connection's socket (CURLOPT_OPENSOCKETFUNCTION and
 * CURLOPT_CLOSESOCKETFUNCTION do the curl typing). cf_watch_open() returns the socket or -1
 * with errno set; cf_watch_close() returns close()'s result. */
int cf_watch_open(cf_watch *w, int family, int type, int protocol);
int cf_watch_close(cf_watch *w, int fd);

#endif
