/* mock.c - the mock server: routes requests, runs libmicrohttpd, starts and stops. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/json.h"
#include "contract/v1_api.h"
#include "mock/internal.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "base/limits.h"

#define ROUTE_PATH_MAX 8192u /* the request path a route looks at; libmicrohttpd bounds it too */
#define RESERVE_MAX 16384u   /* body bytes reserved on the word of Content-Length */

void cf_mock_answer_cleanup(cf_mock_answer *a)
{
    if (!a)
        return;
    cf_headers_cleanup(&a->headers);
    free(a->body);
    memset(a, 0, sizeof(*a));
}

void cf_mock_outcome_cleanup(outcome *o)
{
    cJSON_Delete(o->params);
    cJSON_Delete(o->resources);
    cJSON_Delete(o->page);
    cJSON_Delete(o->stored);
    o->params = o->resources = o->page = o->stored = NULL;
}

/* The methods of the operations whose path template matches `path`, as an Allow header. */
static void allowed_methods(const cf_api *api, const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < api->operation_count; i++) {
        const char *method = api->operations[i].method;
        if (strstr(out, method) || cf_api_route(api, method, path) != &api->operations[i])
            continue;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? ", " : "", method);
    }
}

/* Finds the operation of a request: a 404 for a path no operation has, a 405 (with Allow) for
 * a method the path's operations lack. */
static void route(cf_mock *m, const incoming *in, outcome *o)
{
    char path[ROUTE_PATH_MAX + 1];
    size_t n = in->path_len < ROUTE_PATH_MAX ? in->path_len : ROUTE_PATH_MAX;
    memcpy(path, in->path, n);
    path[n] = '\0';
    o->op = cf_api_route(m->api, in->method, path);
    if (o->op) {
        o->plan = &m->plans[o->op - m->api->operations];
        return;
    }
    allowed_methods(m->api, path, o->allow, sizeof(o->allow));
    o->error = 1;
    o->role = CF_API_ROLE_NOT_FOUND;
    if (o->allow[0]) {
        o->status = 405;
        o->code = "METHOD_NOT_ALLOWED";
        cf_mock_message_set(m, o, NULL, 0, "method %.40s is not allowed here; use %s", in->method,
                            o->allow);
        return;
    }
    o->status = 404;
    o->code = "NOT_FOUND";
    cf_mock_message_set(
        m, o, NULL, 0, "no operation at %.*s; this mock serves %zu operation%s%s%s%s",
        (int)(n > 200 ? 200 : n), path, m->api->operation_count,
        m->api->operation_count == 1 ? "" : "s", m->api->operation_count ? " (" : "",
        m->api->operation_count ? m->api->operations[0].path : "",
        m->api->operation_count > 1 ? ", ...)"
        : m->api->operation_count   ? ")"
                                    : "");
}

/* Routes, checks and renders one request into *out (after the latency fault when `wait`). */
static cf_rc respond(cf_mock *m, const incoming *in, int wait, cf_mock_answer *out)
{
    outcome o;
    memset(&o, 0, sizeof(o));
    o.role = CF_API_ROLE_NONE;
    memset(out, 0, sizeof(*out));
    cJSON *json = NULL, *doc = NULL;
    route(m, in, &o);
    if (o.op)
        cf_mock_decide(m, in, &o, &json);
    if (wait)
        cf_mock_latency_wait(m);
    char err[CF_ERR_MAX] = "";
    out->status = o.status;
    cf_rc rc =
        cf_mock_render(m, &o, &out->headers, &out->body, &out->body_len, &doc, err, sizeof(err));
    if (rc == CF_OK)
        cf_mock_record(m, &o, &out->headers, doc);
    cJSON_Delete(doc);
    cJSON_Delete(json);
    cf_mock_outcome_cleanup(&o);
    if (rc != CF_OK) {
        /* A template the start-up check let through, or memory: a plain internal answer. */
        cf_mock_answer_cleanup(out);
        out->body = cf_strdup("{\"message\":\"the mock could not build its answer\"}");
        if (!out->body ||
            cf_headers_add(&out->headers, "Content-Type", "application/json") != CF_OK) {
            cf_mock_answer_cleanup(out);
            return CF_E_NOMEM;
        }
        out->body_len = strlen(out->body);
        out->status = 500;
    }
    /* counters without the lock: the pool's threads would queue on it for every answer */
    __atomic_fetch_add(&m->stats.requests, 1ul, __ATOMIC_SEQ_CST);
    if (!o.error)
        __atomic_fetch_add(&m->stats.successes, 1ul, __ATOMIC_SEQ_CST);
    return CF_OK;
}

cf_rc cf_mock_handle(cf_mock *m, const char *method, const char *path, const cf_headers *headers,
                     const char *body, size_t body_len, cf_mock_answer *out)
{
    static const cf_headers none = {0};
    header_source h = {NULL, headers ? headers : &none};
    incoming in = {&h, method, path, strcspn(path, "?"), body ? body : "", body ? body_len : 0,
                   0,  0};
    if (in.body_len > CF_MAX_REQUEST_BODY) {
        in.too_large = 1;
        in.body_len = 0;
    }
    return respond(m, &in, 1, out);
}

/* Queues answer `a` on `conn` and frees it. */
static enum MHD_Result send_answer(struct MHD_Connection *conn, cf_mock_answer *a)
{
    /* The body is handed over (freed with free() by libmicrohttpd), not copied. */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(a->body_len, a->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        cf_mock_answer_cleanup(a);
        return MHD_NO;
    }
    a->body = NULL;
    for (size_t i = 0; i < a->headers.count; i++)
        (void)MHD_add_response_header(resp, a->headers.items[i].name, a->headers.items[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)a->status, resp);
    MHD_destroy_response(resp);
    cf_mock_answer_cleanup(a);
    return ret;
}

/* Answers a libmicrohttpd request from its collected body: at once, or held for the latency
 * fault (the connection suspended, no thread asleep). */
static enum MHD_Result answer(cf_mock *m, struct MHD_Connection *conn, const char *url,
                              const char *method, request *r)
{
    r->answered = 1;
    header_source h = {conn, NULL};
    incoming in = {&h,          method,       url,     strlen(url), r->body.ptr ? r->body.ptr : "",
                   r->body.len, r->too_large, r->nomem};
    cf_mock_answer a;
    if (respond(m, &in, 0, &a) != CF_OK)
        return MHD_NO;
    if (m->faults.latency_ms > 0 && m->waker_started) {
        r->held = a;
        cf_mock_delay_hold(m, r, conn);
        return MHD_YES;
    }
    return send_answer(conn, &a);
}

/* ---- libmicrohttpd callbacks -------------------------------------------------------------- */

/* Whether to answer before the body: it is announced too large and the client waits for
 * "100 Continue" (so it never sends the body), or it is too large even to drain. Answering
 * early otherwise would close the socket with unread bytes, and the reset can cut the
 * answer short. *announced: the length of a body that fits, 0 when none is announced. */
static int too_large_ahead(struct MHD_Connection *conn, size_t *announced)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno != 0 || !end || *end != '\0')
        return 0;
    if (n <= CF_MAX_REQUEST_BODY) {
        *announced = (size_t)n;
        return 0;
    }
    const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    return n > DRAIN_MAX || (expect && strcasecmp(expect, "100-continue") == 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    cf_mock *m = cls;
    request *r = *req_cls;
    (void)version;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        cf_buf_init(&r->body, CF_MAX_REQUEST_BODY);
        *req_cls = r;
        size_t announced = 0;
        if (too_large_ahead(conn, &announced)) {
            r->too_large = 1;
            return answer(m, conn, url, method, r);
        }
        /* a usual body in one allocation (an announcement is not trusted further: a client
         * could announce much and send nothing); a failure here only means growing later */
        if (announced > RESERVE_MAX)
            announced = RESERVE_MAX;
        if (announced > 0 && cf_buf_reserve(&r->body, announced) != CF_OK)
            cf_buf_init(&r->body, CF_MAX_REQUEST_BODY);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        r->received += n;
        if (r->received > DRAIN_MAX)
            return MHD_NO; /* a body without end: drop the connection */
        if (!r->answered && !r->too_large && !r->nomem) {
            cf_rc rc = cf_buf_add(&r->body, upload_data, n);
            if (rc == CF_E_TOO_LARGE)
                r->too_large = 1;
            else if (rc != CF_OK)
                r->nomem = 1;
        }
        return MHD_YES;
    }
    if (r->holding) {
        /* Resumed by delay.c: the latency has passed (or the mock is stopping). */
        r->holding = 0;
        return send_answer(conn, &r->held);
    }
    if (r->answered)
        return MHD_YES;
    return answer(m, conn, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    request *r = *req_cls;
    if (!r)
        return;
    cf_buf_free(&r->body);
    cf_mock_answer_cleanup(&r->held);
    free(r);
    *req_cls = NULL;
}

/* ---- start and stop ----------------------------------------------------------------------- */

void cf_mock_opts_init(cf_mock_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->bind = "127.0.0.1";
    o->max_connections = CF_MOCK_DEFAULT_CONNECTIONS;
    o->per_ip_connections = CF_MOCK_DEFAULT_PER_IP;
    o->timeout_s = CF_MOCK_DEFAULT_TIMEOUT_S;
    o->idem_capacity = CF_MOCK_DEFAULT_IDEM_CAPACITY;
}

/* Resolves the bind address into *addr with the port set. */
static cf_rc resolve_bind(const char *bind, unsigned port, struct sockaddr_storage *addr,
                          socklen_t *addr_len, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(bind, NULL, &hints, &res);
    if (g != 0 || !res) {
        snprintf(err, errlen, "cannot use bind address '%s': %s", bind, gai_strerror(g));
        if (res)
            freeaddrinfo(res);
        return CF_E_USAGE;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *addr_len = (socklen_t)res->ai_addrlen;
    freeaddrinfo(res);
    if (addr->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
    return CF_OK;
}

cf_rc cf_mock_start(const cf_mock_opts *opts, cf_mock **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    if (!opts || (!opts->api && !opts->spec)) {
        snprintf(err, errlen, "no contract given");
        return CF_E_USAGE;
    }
    if (opts->port > 65535) {
        snprintf(err, errlen, "port %u is out of range 0..65535", opts->port);
        return CF_E_USAGE;
    }
    cf_mock *m = calloc(1, sizeof(*m));
    if (!m)
        return CF_E_NOMEM;
    m->api = opts->api;
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_init(&m->wait_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &ca);
    pthread_condattr_destroy(&ca);

    cf_rc rc = CF_OK;
    if (!m->api) {
        rc = cf_api_from_spec(opts->spec, &m->owned_api);
        m->api = m->owned_api;
        if (rc != CF_OK)
            snprintf(err, errlen, "%s: the spec does not convert to a contract: %s",
                     opts->spec->file ? opts->spec->file : "spec", cf_strerror(rc));
    }
    if (rc == CF_OK)
        rc = cf_mock_plan(m, opts, err, errlen);
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    const char *bind = opts->bind ? opts->bind : "127.0.0.1";
    if (rc == CF_OK && opts->no_listen) {
        *out = m;
        return CF_OK;
    }
    if (rc == CF_OK)
        rc = resolve_bind(bind, opts->port, &addr, &addr_len, err, errlen);
    if (rc != CF_OK) {
        if (rc == CF_E_NOMEM && err[0] == '\0')
            snprintf(err, errlen, "out of memory");
        cf_mock_stop(m);
        return rc;
    }
    unsigned conns = opts->max_connections ? opts->max_connections : CF_MOCK_DEFAULT_CONNECTIONS;
    unsigned per_ip = opts->per_ip_connections ? opts->per_ip_connections : CF_MOCK_DEFAULT_PER_IP;
    unsigned timeout = opts->timeout_s ? opts->timeout_s : CF_MOCK_DEFAULT_TIMEOUT_S;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned pool = opts->threads ? opts->threads : cores > 0 ? (unsigned)cores : 1;
    if (cf_mock_delay_start(m) != CF_OK) {
        cf_mock_stop(m);
        return CF_E_NOMEM;
    }
    /* epoll and a pool of one thread per core: an idle connection costs a socket, not a
     * thread, so thousands held open leave room for everyone else. Where epoll is missing,
     * libmicrohttpd's best poller. */
    unsigned base = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        base |= MHD_USE_IPv6;
    const unsigned pollers[] = {MHD_USE_EPOLL, MHD_USE_AUTO};
    for (size_t i = 0; i < 2 && !m->daemon; i++)
        m->daemon = MHD_start_daemon(
            base | pollers[i], (uint16_t)opts->port, NULL, NULL, on_request, m,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, pool,
            MHD_OPTION_CONNECTION_LIMIT, conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
            MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
            (size_t)MEMORY_LIMIT, MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)m, MHD_OPTION_END);
    if (!m->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %u: %s", bind, opts->port,
                 errno ? strerror(errno) : "address in use or not permitted");
        cf_mock_stop(m);
        return CF_E_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    m->port = info ? info->port : opts->port;
    char host[64]; /* fits INET6_ADDRSTRLEN */
    if (getnameinfo((struct sockaddr *)&addr, addr_len, host, sizeof(host), NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(host, sizeof(host), "%s", bind);
    snprintf(m->url, sizeof(m->url), addr.ss_family == AF_INET6 ? "http://[%s]:%u" : "http://%s:%u",
             host, m->port);
    *out = m;
    return CF_OK;
}

unsigned cf_mock_port(const cf_mock *m)
{
    return m->port;
}

const char *cf_mock_url(const cf_mock *m)
{
    return m->url;
}

void cf_mock_stats_get(cf_mock *m, cf_mock_stats *out)
{
    /* in the order they are counted up: never more successes than requests */
    out->created = __atomic_load_n(&m->stats.created, __ATOMIC_SEQ_CST);
    out->successes = __atomic_load_n(&m->stats.successes, __ATOMIC_SEQ_CST);
    out->requests = __atomic_load_n(&m->stats.requests, __ATOMIC_SEQ_CST);
}

void cf_mock_stop(cf_mock *m)
{
    if (!m)
        return;
    /* Held answers are released first: a suspended connection would keep the daemon from
     * stopping. */
    cf_mock_delay_stop(m);
    if (m->daemon)
        MHD_stop_daemon(m->daemon);
    if (m->api)
        cf_mock_plan_free(m);
    cf_api_free(m->owned_api);
    cf_secrets_cleanup(&m->secrets);
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->wait_lock);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
