/* test_http_watch.c - the transport's epoll set: kept idle sockets, stale records, closes. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http/watch.h"

/* A loopback listener, a client socket connected to it and the server's end. */
typedef struct {
    int listener;
    int client;
    int server;
} pair;

static void pair_open(cf_watch *w, pair *p, int ours)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    p->listener = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(p->listener >= 0);
    cr_assert_eq(bind(p->listener, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(p->listener, 4), 0);
    cr_assert_eq(getsockname(p->listener, (struct sockaddr *)&a, &len), 0);
    p->client = ours ? cf_watch_open(w, AF_INET, SOCK_STREAM, 0) : socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(p->client >= 0);
    cr_assert_eq(connect(p->client, (struct sockaddr *)&a, sizeof(a)), 0);
    p->server = accept(p->listener, NULL, NULL);
    cr_assert(p->server >= 0);
}

static void pair_close(cf_watch *w, pair *p, int ours)
{
    if (ours)
        cr_assert_eq(cf_watch_close(w, p->client), 0);
    else
        close(p->client);
    close(p->server);
    close(p->listener);
}

/* A new watch and a pair whose client is curl's (`ours`) or not. */
static cf_watch *watch_with_pair(pair *p, int ours)
{
    cf_watch *w = NULL;
    cr_assert_eq(cf_watch_new(&w), CF_OK);
    pair_open(w, p, ours);
    return w;
}

/* The sockets epoll reports ready now (at most 8), without waiting. */
static int ready(cf_watch *w, int *fds)
{
    struct epoll_event ev[8];
    int n = epoll_wait(cf_watch_epoll_fd(w), ev, 8, 0);
    cr_assert(n >= 0);
    for (int i = 0; i < n; i++)
        fds[i] = ev[i].data.fd;
    return n;
}

Test(http_watch, a_watched_socket_reports_what_curl_asked_for, .timeout = 10)
{
    pair p;
    cf_watch *w = watch_with_pair(&p, 1);
    int fds[8];
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(ready(w, fds), 0, "nothing to read yet");
    cr_assert_eq(write(p.server, "x", 1), 1);
    cr_assert_eq(ready(w, fds), 1);
    cr_assert_eq(fds[0], p.client);
    cr_assert_eq(cf_watch_event(w, p.client), 1, "curl watches it: the event is curl's");
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_OUT), 0);
    cr_assert_eq(ready(w, fds), 1, "writable");
    pair_close(w, &p, 1);
    cf_watch_free(w);
}

Test(http_watch, an_idle_socket_stays_until_it_turns_ready, .timeout = 10)
{
    pair p;
    cf_watch *w = watch_with_pair(&p, 1);
    int fds[8];
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_REMOVE), 0);
    /* Asked again, as the next request on the connection does: still in the set. */
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_REMOVE), 0);
    /* The server closes the idle connection: the event is not curl's, and the socket leaves. */
    close(p.server);
    p.server = -1;
    cr_assert_eq(ready(w, fds), 1);
    cr_assert_eq(cf_watch_event(w, fds[0]), 0);
    cr_assert_eq(ready(w, fds), 0, "dropped: no busy loop on a level-triggered FIN");
    /* curl may still watch it again (to find it dead): it goes back in. */
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(ready(w, fds), 1);
    cr_assert_eq(cf_watch_event(w, fds[0]), 1);
    cr_assert_eq(cf_watch_close(w, p.client), 0);
    close(p.listener);
    cf_watch_free(w);
}

Test(http_watch, a_socket_curl_did_not_open_leaves_when_curl_says, .timeout = 10)
{
    pair p;
    cf_watch *w = watch_with_pair(&p, 0);
    int fds[8];
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(write(p.server, "x", 1), 1);
    cr_assert_eq(ready(w, fds), 1);
    cr_assert_eq(cf_watch_event(w, p.client), 1);
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_REMOVE), 0);
    cr_assert_eq(ready(w, fds), 0, "removed at once");
    pair_close(w, &p, 0);
    cf_watch_free(w);
}

/* Closes the pair's client and server ends (the client through the watch when `ours`) and
 * connects a new client to the same listener, a socket of its own (`ours_next`). */
static void reconnect(cf_watch *w, pair *p, int ours, int ours_next)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    cr_assert_eq(getsockname(p->listener, (struct sockaddr *)&a, &len), 0);
    if (ours)
        cr_assert_eq(cf_watch_close(w, p->client), 0);
    else
        close(p->client);
    close(p->server);
    p->client =
        ours_next ? cf_watch_open(w, AF_INET, SOCK_STREAM, 0) : socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(p->client >= 0);
    cr_assert_eq(connect(p->client, (struct sockaddr *)&a, sizeof(a)), 0);
    p->server = accept(p->listener, NULL, NULL);
    cr_assert(p->server >= 0);
}

/* The new socket reusing the old one's number is really watched: its data is reported. */
static void new_socket_is_watched(cf_watch *w, pair *p, int first)
{
    int fds[8];
    cr_assert_eq(p->client, first, "the test relies on the number coming back");
    cr_assert_eq(cf_watch_set(w, p->client, CURL_POLL_IN), 0);
    cr_assert_eq(write(p->server, "y", 1), 1);
    cr_assert_eq(ready(w, fds), 1);
    cr_assert_eq(fds[0], p->client);
    cr_assert_eq(cf_watch_event(w, p->client), 1);
}

Test(http_watch, a_closed_sockets_number_comes_back_clean, .timeout = 10)
{
    pair p;
    cf_watch *w = watch_with_pair(&p, 1);
    int first = p.client;
    /* curl's socket, kept in the set while idle, then closed by curl. */
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_REMOVE), 0);
    reconnect(w, &p, 1, 1);
    new_socket_is_watched(w, &p, first);
    /* A socket that is not curl's, closed without a REMOVE: its record is stale. */
    reconnect(w, &p, 1, 0);
    cr_assert_eq(cf_watch_set(w, p.client, CURL_POLL_IN), 0);
    reconnect(w, &p, 0, 0);
    new_socket_is_watched(w, &p, first);
    reconnect(w, &p, 0, 1);
    new_socket_is_watched(w, &p, first);
    pair_close(w, &p, 1);
    cf_watch_free(w);
}

Test(http_watch, numbers_past_the_table_are_watched_without_a_record, .timeout = 10)
{
    cf_watch *w = NULL;
    cr_assert_eq(cf_watch_new(&w), CF_OK);
    cr_assert_eq(cf_watch_set(w, -1, CURL_POLL_IN), -1, "not a socket");
    cr_assert_eq(cf_watch_event(w, 1 << 20), 1);
    cr_assert_eq(cf_watch_set(w, 1 << 20, CURL_POLL_REMOVE), 0, "nothing to remove is fine");
    cf_watch_free(w);
    cf_watch_free(NULL);
}
