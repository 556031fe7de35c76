/* http_server.c - loopback test servers: libmicrohttpd echo/canned, and raw misbehaviour. */
#include "http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "mhd_util.h"
#include "net_util.h"

/* ---- libmicrohttpd server ---- */

struct cf_test_server {
    struct MHD_Daemon *daemon;
    cf_test_server_opts opts;
    cf_mhd_opts mhd; /* borrowed by the daemon */
    unsigned short port;
    atomic_uint connections;
    atomic_uint open;
    atomic_uint max_open;
    atomic_uint requests;
};

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
    cf_test_server *s = cls;
    (void)c;
    (void)socket_ctx;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&s->connections, 1);
        unsigned now = atomic_fetch_add(&s->open, 1) + 1;
        unsigned max = atomic_load(&s->max_open);
        while (now > max && !atomic_compare_exchange_weak(&s->max_open, &max, now))
            ;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        atomic_fetch_sub(&s->open, 1);
    }
}

static enum MHD_Result echo_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    cf_buf *out = cls;
    if (cf_buf_addf(out, "%s: %s\n", key, value ? value : "") != CF_OK)
        return MHD_NO;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, cf_buf *body)
{
    cf_test_server *s = cls;
    if (s->opts.delay_ms)
        cf_test_sleep_ms(s->opts.delay_ms);

    enum MHD_Result result = MHD_NO;
    cf_buf out;
    cf_buf_init(&out, 4 * 1024 * 1024);
    const char *type = s->opts.content_type;
    if (s->opts.body) {
        if (cf_buf_adds(&out, s->opts.body) != CF_OK)
            goto out;
        if (!type)
            type = "application/json";
    } else {
        if (cf_buf_addf(&out, "%s %s\n", method, url) != CF_OK)
            goto out;
        MHD_get_connection_values(c, MHD_HEADER_KIND, echo_header, &out);
        if (cf_buf_addc(&out, '\n') != CF_OK ||
            cf_buf_add(&out, cf_buf_str(body), body->len) != CF_OK)
            goto out;
        if (!type)
            type = "text/plain";
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(out.len, (void *)cf_buf_str(&out), MHD_RESPMEM_MUST_COPY);
    if (!r)
        goto out;
    MHD_add_response_header(r, "Content-Type", type);
    if (s->opts.header_name)
        MHD_add_response_header(r, s->opts.header_name,
                                s->opts.header_value ? s->opts.header_value : "");
    result = MHD_queue_response(c, s->opts.status ? s->opts.status : 200, r);
    MHD_destroy_response(r);
    atomic_fetch_add(&s->requests, 1);
out:
    cf_buf_free(&out);
    return result;
}

cf_test_server *cf_test_server_start(const cf_test_server_opts *opts)
{
    cf_test_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (opts)
        s->opts = *opts;
    s->mhd = (cf_mhd_opts){.flags = MHD_USE_ERROR_LOG,
                           .handler = on_request,
                           .cls = s,
                           .body_max = 1024 * 1024,
                           .on_connection = on_connection,
                           .connection_cls = s};
    if (s->opts.thread_per_connection)
        s->mhd.flags |= MHD_USE_THREAD_PER_CONNECTION;
    if (!(s->daemon = cf_mhd_start(&s->mhd, &s->port)))
        goto fail;
    return s;
fail:
    cf_test_server_stop(s);
    return NULL;
}

void cf_test_server_stop(cf_test_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    free(s);
}

unsigned short cf_test_server_port(const cf_test_server *s)
{
    return s->port;
}

char *cf_test_server_url(const cf_test_server *s, const char *path, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u%s", (unsigned)s->port, path ? path : "");
    return out;
}

unsigned cf_test_server_connections(cf_test_server *s)
{
    return atomic_load(&s->connections);
}

unsigned cf_test_server_max_open(cf_test_server *s)
{
    return atomic_load(&s->max_open);
}

unsigned cf_test_server_requests(cf_test_server *s)
{
    return atomic_load(&s->requests);
}

/* ---- raw misbehaving server ---- */

struct cf_raw_server {
    cf_raw_server_opts opts;
    int fd;
    unsigned short port;
    pthread_t thread;
    int started;
    atomic_int stop;
    atomic_uint accepted;
};

/* Waits up to `ms` for `fd` to be ready for `events`, giving up early when asked to stop.
 * Returns 1 ready, 0 stop or timeout, -1 error. */
static int wait_fd(cf_raw_server *s, int fd, short events, unsigned ms)
{
    for (unsigned waited = 0; waited < ms; waited += 20) {
        if (atomic_load(&s->stop))
            return 0;
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, 20);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
    return 0;
}

/* An abortive close: the peer sees ECONNRESET instead of an orderly end. */
static void reset_close(int fd)
{
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    close(fd);
}

/* Reads a request head and, when it announces one, its Content-Length body. */
static int read_request(cf_raw_server *s, int fd)
{
    char buf[8192];
    size_t len = 0;
    const char *head_end = NULL;
    while (!head_end) {
        if (len == sizeof(buf) || wait_fd(s, fd, POLLIN, 5000) != 1)
            return -1;
        ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        for (size_t i = 0; i + 3 < len; i++)
            if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
                head_end = buf + i + 4;
                break;
            }
    }
    size_t want = 0;
    for (const char *p = buf; p + 16 < head_end; p++) {
        if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
            want = strtoul(p + 15, NULL, 10);
            break;
        }
    }
    size_t have = len - (size_t)(head_end - buf);
    while (have < want) {
        if (wait_fd(s, fd, POLLIN, 5000) != 1)
            return -1;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return 0;
}

static void serve(cf_raw_server *s, int fd, unsigned index)
{
    const cf_raw_server_opts *o = &s->opts;
    if (read_request(s, fd) != 0 || index < o->fail_first) {
        reset_close(fd);
        return;
    }
    if (o->hang) {
        while (!atomic_load(&s->stop))
            cf_test_sleep_ms(10);
        close(fd);
        return;
    }
    const char *data = o->response ? o->response : "";
    size_t len = o->response_len ? o->response_len : strlen(data);
    if (o->cut && o->cut_at < len)
        len = o->cut_at;
    size_t chunk = o->chunk ? o->chunk : len;
    for (size_t at = 0; at < len;) {
        if (o->chunk_delay_ms) {
            for (unsigned t = 0; t < o->chunk_delay_ms; t += 10) {
                if (atomic_load(&s->stop))
                    goto done;
                cf_test_sleep_ms(10);
            }
        }
        size_t n = len - at < chunk ? len - at : chunk;
        ssize_t w = send(fd, data + at, n, MSG_NOSIGNAL);
        if (w <= 0)
            goto done;
        at += (size_t)w;
    }
done:
    if (o->cut) {
        reset_close(fd);
        return;
    }
    shutdown(fd, SHUT_WR);
    /* Let the client read everything before the socket goes away. */
    char sink[512];
    while (wait_fd(s, fd, POLLIN, 1000) == 1 && recv(fd, sink, sizeof(sink), 0) > 0)
        ;
    close(fd);
}

static void *raw_main(void *arg)
{
    cf_raw_server *s = arg;
    while (!atomic_load(&s->stop)) {
        if (wait_fd(s, s->fd, POLLIN, 100) != 1)
            continue;
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            continue;
        unsigned index = atomic_fetch_add(&s->accepted, 1);
        serve(s, fd, index);
    }
    return NULL;
}

cf_raw_server *cf_raw_server_start(const cf_raw_server_opts *opts)
{
    cf_raw_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->opts = *opts;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->fd < 0)
        goto fail;
    struct sockaddr_in addr = cf_test_loopback(0);
    socklen_t alen = sizeof(addr);
    if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(s->fd, 16) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&addr, &alen) != 0)
        goto fail;
    s->port = ntohs(addr.sin_port);
    if (pthread_create(&s->thread, NULL, raw_main, s) != 0)
        goto fail;
    s->started = 1;
    return s;
fail:
    cf_raw_server_stop(s);
    return NULL;
}

void cf_raw_server_stop(cf_raw_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, 1);
    if (s->started)
        pthread_join(s->thread, NULL);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

unsigned short cf_raw_server_port(const cf_raw_server *s)
{
    return s->port;
}

char *cf_raw_server_url(const cf_raw_server *s, const char *path, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u%s", (unsigned)s->port, path ? path : "");
    return out;
}

unsigned cf_raw_server_accepted(cf_raw_server *s)
{
    return atomic_load(&s->accepted);
}

unsigned short cf_test_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in addr = cf_test_loopback(0);
    socklen_t alen = sizeof(addr);
    unsigned short port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &alen) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}
