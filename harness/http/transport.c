/* transport.c - runs exchanges over one libcurl multi handle, at most `jobs` in flight.
 *
 * The multi handle is driven with curl_multi_socket_action() from an epoll set (http/watch.c):
 * curl tells which sockets to watch (socket callback) and when its next timeout is (timer
 * callback), and a wakeup only touches the transfers whose sockets are ready.
 * curl_multi_perform() would visit every transfer (a recv() each) on every wakeup: O(jobs)
 * system calls per response. */
#include "http/transport.h"
#include "base/str.h"
#include "http/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include <curl/curl.h>

#include "base/limits.h"

/* One transfer in flight; the easy handle stays with the slot so it is reused. */
typedef struct {
    CURL *easy;
    struct curl_slist *headers; /* request headers, alive until the transfer is done */
    cf_buf line;                /* scratch for one header line */
    CURLU *url;                 /* url_text parsed, handed to curl with CURLOPT_CURLU */
    char *url_text;             /* the URL `url` holds; NULL when it holds none */
    cf_exchange *ex;            /* exchange being performed */
    unsigned attempt;           /* 0 for the first try */
    int busy;
    int configured;        /* configure_handle() done */
    struct timespec start; /* monotonic, at the first attempt (retries included) */
    char errbuf[CURL_ERROR_SIZE];
} slot;

struct cf_transport {
    cf_transport_opts opts;
    char *proxy; /* copies of the caller's strings */
    char *cacert;
    CURLM *multi;              /* holds the connection cache shared by every transfer */
    cf_watch *watch;           /* the sockets curl asked to watch */
    int timer_on;              /* curl wants socket_action(CURL_SOCKET_TIMEOUT) at timer_due */
    struct timespec timer_due; /* monotonic */
    slot *slots;               /* opts.jobs of them */
    unsigned active;
    cf_exchange **done; /* finished, not yet handed back: a ring of opts.jobs */
    unsigned done_head;
    unsigned done_count;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in older libcurl; run it exactly once. It is never
 * undone: another transport may still be alive in another thread. */
static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void cf_transport_opts_init(cf_transport_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->jobs = 8;
    o->timeout_ms = 10000;
    o->connect_timeout_ms = 5000;
    o->max_body = CF_MAX_RESPONSE_BODY;
}

/* curl's socket callback: what to watch on socket `fd` now. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *socketp)
{
    (void)easy;
    (void)socketp;
    return cf_watch_set(user, fd, what);
}

/* curl's socket open and close, so the watch sees each connection's socket from its first day
 * to its last. */
static curl_socket_t on_open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *addr)
{
    (void)purpose;
    int fd = cf_watch_open(user, addr->family, addr->socktype, addr->protocol);
    return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static int on_close_socket(void *user, curl_socket_t fd)
{
    return cf_watch_close(user, fd);
}

/* curl's timer callback: -1 stops the timer, otherwise it fires in `ms`. */
static int on_timer(CURLM *multi, long ms, void *user)
{
    (void)multi;
    cf_transport *t = user;
    t->timer_on = ms >= 0;
    if (ms < 0)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &t->timer_due);
    t->timer_due.tv_sec += ms / 1000;
    t->timer_due.tv_nsec += (ms % 1000) * 1000000L;
    if (t->timer_due.tv_nsec >= 1000000000L) {
        t->timer_due.tv_sec++;
        t->timer_due.tv_nsec -= 1000000000L;
    }
    return 0;
}

cf_rc cf_transport_new(const cf_transport_opts *opts, cf_transport **out)
{
    cf_rc rc = CF_E_NOMEM;
    *out = NULL;
    if (!opts || opts->jobs == 0)
        return CF_E_USAGE;
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return CF_E_NOMEM;
    cf_transport *t = calloc(1, sizeof(*t));
    if (!t)
        goto out;
    t->opts = *opts;
    if (opts->proxy && !(t->proxy = cf_strdup(opts->proxy)))
        goto out;
    if (opts->cacert && !(t->cacert = cf_strdup(opts->cacert)))
        goto out;
    t->opts.proxy = t->proxy;
    t->opts.cacert = t->cacert;
    if (!(t->slots = calloc(opts->jobs, sizeof(*t->slots))))
        goto out;
    for (unsigned i = 0; i < opts->jobs; i++)
        cf_buf_init(&t->slots[i].line, CF_MAX_RESPONSE_HEADERS);
    if (!(t->done = calloc(opts->jobs, sizeof(*t->done))))
        goto out;
    if (cf_watch_new(&t->watch) != CF_OK)
        goto out;
    if (!(t->multi = curl_multi_init()))
        goto out;
    if (curl_multi_setopt(t->multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
        curl_multi_setopt(t->multi, CURLMOPT_SOCKETDATA, (void *)t->watch) != CURLM_OK ||
        curl_multi_setopt(t->multi, CURLMOPT_TIMERFUNCTION, on_timer) != CURLM_OK ||
        curl_multi_setopt(t->multi, CURLMOPT_TIMERDATA, (void *)t) != CURLM_OK)
        goto out;
    *out = t;
    t = NULL;
    rc = CF_OK;
out:
    cf_transport_free(t);
    return rc;
}

void cf_transport_free(cf_transport *t)
{
    if (!t)
        return;
    if (t->slots) {
        for (unsigned i = 0; i < t->opts.jobs; i++) {
            slot *s = &t->slots[i];
            if (s->easy) {
                if (s->busy && t->multi)
                    curl_multi_remove_handle(t->multi, s->easy);
                curl_easy_cleanup(s->easy);
            }
            curl_slist_free_all(s->headers);
            cf_buf_free(&s->line);
            curl_url_cleanup(s->url);
            free(s->url_text);
        }
    }
    /* Closing the cached connections goes through on_close_socket: the watch goes after. */
    if (t->multi)
        curl_multi_cleanup(t->multi);
    cf_watch_free(t->watch);
    free(t->slots);
    free(t->done);
    free(t->proxy);
    free(t->cacert);
    free(t);
}

static size_t on_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
    cf_response *resp = userdata;
    size_t len = size * nitems;
    cf_rc rc = cf_response_header_line(resp, buffer, len);
    /* A malformed line is the target's problem, recorded by the parser; only running out of
     * room or memory stops the transfer. */
    if (rc == CF_E_TOO_LARGE || rc == CF_E_NOMEM)
        return 0;
    return len;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cf_response *resp = userdata;
    size_t len = size * nmemb;
    if (cf_response_body_bytes(resp, ptr, len) != CF_OK)
        return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
    return len;
}

static int has_header(const cf_headers *h, const char *name)
{
    return cf_headers_get(h, name) != NULL;
}

/* Sets `line` to name, sep and value: put together without a format string, as this runs for
 * every header of every request. */
static cf_rc header_line(cf_buf *line, const char *name, const char *sep, const char *value)
{
    cf_buf_reset(line);
    cf_rc rc = cf_buf_adds(line, name);
    if (rc == CF_OK)
        rc = cf_buf_adds(line, sep);
    return rc == CF_OK ? cf_buf_adds(line, value) : rc;
}

/* Puts `line` at *at in a header list: the entry there is kept when it already says it (a
 * run's requests mostly repeat their headers, and each entry is two allocations), otherwise
 * it and the rest of the list go and the line is appended. *at moves to the next link. */
static cf_rc put_line(struct curl_slist ***at, const char *line)
{
    struct curl_slist *cur = **at;
    if (cur && strcmp(cur->data, line) == 0) {
        *at = &cur->next;
        return CF_OK;
    }
    curl_slist_free_all(cur);
    **at = NULL;
    struct curl_slist *node = curl_slist_append(NULL, line);
    if (!node)
        return CF_E_NOMEM;
    **at = node;
    *at = &node->next;
    return CF_OK;
}

/* Makes the slot's header list the request's headers, and nothing curl would add on its own
 * but Host and Content-Length. On error the list is whole but may be short. */
static cf_rc build_headers(slot *s, const cf_request *req)
{
    struct curl_slist **at = &s->headers;
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < req->headers.count && rc == CF_OK; i++) {
        const cf_header *h = &req->headers.items[i];
        /* "Name:" would tell curl to drop the header; "Name;" sends it empty. */
        rc = h->value[0] ? header_line(&s->line, h->name, ": ", h->value)
                         : header_line(&s->line, h->name, ";", "");
        if (rc == CF_OK)
            rc = put_line(&at, cf_buf_str(&s->line));
    }
    static const char *const suppressed[] = {"Expect", "Accept", "Content-Type"};
    for (size_t i = 0; i < sizeof(suppressed) / sizeof(suppressed[0]) && rc == CF_OK; i++) {
        if (has_header(&req->headers, suppressed[i]))
            continue;
        rc = header_line(&s->line, suppressed[i], ":", "");
        if (rc == CF_OK)
            rc = put_line(&at, cf_buf_str(&s->line));
    }
    curl_slist_free_all(*at);
    *at = NULL;
    return rc;
}

static int ok(CURLcode c)
{
    return c == CURLE_OK;
}

/* The request's URL parsed for curl, or NULL to let curl parse the text itself. Given a
 * parsed URL (CURLOPT_CURLU), curl copies it instead of parsing the text and printing it back
 * normalised for every transfer: about a sixth of its work per request. The slot keeps the parse
 * while its requests go to the same URL. The flags are the ones curl parses CURLOPT_URL
 * with; a URL they refuse (NULL here) goes to curl as text, so curl fails it as before. */
static CURLU *parsed_url(slot *s, const char *url)
{
    if (s->url_text && strcmp(s->url_text, url) == 0)
        return s->url;
    free(s->url_text);
    s->url_text = NULL;
    if (!s->url && !(s->url = curl_url()))
        return NULL;
    if (curl_url_set(s->url, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) !=
        CURLUE_OK)
        return NULL;
    s->url_text = cf_strdup(url);
    return s->url_text ? s->url : NULL;
}

/* The options every request of the transport shares, set once on a new handle: resetting
 * the handle and parsing them again for each request was a measurable share of its cost. */
static cf_rc configure_handle(const cf_transport *t, slot *s)
{
    CURL *e = s->easy;
    int good = ok(curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)s)) &&
               ok(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf)) &&
               ok(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L)) &&
               ok(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https")) &&
               ok(curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")) &&
               ok(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L)) &&
               ok(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t->opts.timeout_ms)) &&
               ok(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t->opts.connect_timeout_ms)) &&
               ok(curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket)) &&
               ok(curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, (void *)t->watch)) &&
               ok(curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket)) &&
               ok(curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, (void *)t->watch)) &&
               ok(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header)) &&
               ok(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body));
    if (!good)
        return CF_E_NOMEM;
    if (t->proxy) {
        /* "" overrides NO_PROXY from the environment: everything goes through the proxy. */
        good = ok(curl_easy_setopt(e, CURLOPT_PROXY, t->proxy)) &&
               ok(curl_easy_setopt(e, CURLOPT_NOPROXY, "")) &&
               ok(curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L));
    } else {
        good = ok(curl_easy_setopt(e, CURLOPT_NOPROXY, "*"));
    }
    if (!good)
        return CF_E_NOMEM;
    long verify = t->opts.insecure ? 0L : 1L;
    good = ok(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify)) &&
           ok(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L)) &&
           ok(curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, verify)) &&
           ok(curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, verify ? 2L : 0L));
    if (good && t->cacert)
        good = ok(curl_easy_setopt(e, CURLOPT_CAINFO, t->cacert)) &&
               ok(curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, t->cacert));
    return good ? CF_OK : CF_E_NOMEM;
}

/* The options of this request. Each is set whatever the previous request of the handle set,
 * so the handle is as a reset one with configure_handle()'s options: no body and GET unless
 * this request says otherwise (POSTFIELDS, even NULL, switches to POST; HTTPGET back). The
 * connection cache lives in the multi handle, so connections are reused either way. */
static cf_rc configure(const cf_transport *t, slot *s, const cf_exchange *ex)
{
    const cf_request *req = ex->request;
    CURL *e = s->easy;
    if (!s->configured) {
        if (configure_handle(t, s) != CF_OK)
            return CF_E_NOMEM;
        s->configured = 1;
    }
    s->errbuf[0] = '\0';
    cf_rc rc = build_headers(s, req);
    if (rc != CF_OK)
        return rc;
    long fresh = ex->fresh_connection ? 1L : 0L;
    /* Given a parsed URL, curl prints its own text of it for the transfer: the text goes only
     * when there is none. */
    CURLU *url = parsed_url(s, req->url);
    int good = ok(curl_easy_setopt(e, CURLOPT_CURLU, (void *)url)) &&
               (url || ok(curl_easy_setopt(e, CURLOPT_URL, req->url))) &&
               ok(curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)ex->response)) &&
               ok(curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)ex->response)) &&
               ok(curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers)) &&
               ok(curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, fresh)) &&
               ok(curl_easy_setopt(e, CURLOPT_FORBID_REUSE, fresh));
    if (good && req->body)
        good = ok(curl_easy_setopt(e, CURLOPT_HTTPGET, 1L)) &&
               ok(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len)) &&
               ok(curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body));
    else if (good)
        good = ok(curl_easy_setopt(e, CURLOPT_POSTFIELDS, (void *)NULL)) &&
               ok(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1)) &&
               ok(curl_easy_setopt(e, CURLOPT_HTTPGET, 1L));
    /* HEAD has no response body; telling curl keeps it from waiting for one. */
    if (good && strcmp(req->method, "HEAD") == 0)
        good = ok(curl_easy_setopt(e, CURLOPT_NOBODY, 1L));
    /* The method curl sends on its own (POST with a body, GET without) needs no custom one,
     * which curl would copy for every request. */
    const char *own = req->body ? "POST" : "GET";
    const char *custom = strcmp(req->method, own) == 0 ? NULL : req->method;
    if (good)
        good = ok(curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, custom));
    return good ? CF_OK : CF_E_NOMEM;
}

static void set_error(cf_response *resp, cf_rc rc, const char *text)
{
    resp->transport_rc = rc;
    snprintf(resp->transport_error, sizeof(resp->transport_error), "%s", text);
}

static double ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1000.0 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Wall clock in epoch milliseconds with the sub-millisecond part kept. */
static double wall_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

/* Hands a finished exchange to the ring cf_transport_next() reads; it has room for one per
 * slot, and each slot finishes at most one exchange before it is read back. */
static void push_done(cf_transport *t, cf_exchange *ex)
{
    t->done[(t->done_head + t->done_count) % t->opts.jobs] = ex;
    t->done_count++;
}

/* Starts exchange `ex` in slot `s`. A request that cannot be set up gets its error on its
 * response and the slot stays free; the return value is that error. */
static cf_rc start(cf_transport *t, slot *s, cf_exchange *ex, unsigned attempt)
{
    cf_response *resp = ex->response;
    const cf_request *req = ex->request;
    if (!req || !req->url || !req->method) {
        set_error(resp, CF_E_INVALID, "request has no method or URL");
        return CF_E_INVALID;
    }
    /* curl sends a custom method verbatim: only a token can go on the request line. */
    if (!cf_http_is_token(req->method, strlen(req->method))) {
        set_error(resp, CF_E_INVALID, "request method is not an HTTP token");
        return CF_E_INVALID;
    }
    /* The tighter of the transport's and the response's bounds applies. */
    if (t->opts.max_body && (resp->body.max == 0 || t->opts.max_body < resp->body.max))
        resp->body.max = t->opts.max_body;
    if (!s->easy && !(s->easy = curl_easy_init())) {
        set_error(resp, CF_E_NOMEM, "could not create a curl handle");
        return CF_E_NOMEM;
    }
    cf_rc rc = configure(t, s, ex);
    if (rc != CF_OK) {
        set_error(resp, rc, "could not set up the curl transfer");
        return rc;
    }
    s->ex = ex;
    s->attempt = attempt;
    if (attempt == 0) {
        clock_gettime(CLOCK_MONOTONIC, &s->start);
        resp->sent_ms = wall_ms();
    }
    if (curl_multi_add_handle(t->multi, s->easy) != CURLM_OK) {
        set_error(resp, CF_E_NOMEM, "could not add the transfer to curl");
        return CF_E_NOMEM;
    }
    s->busy = 1;
    t->active++;
    return CF_OK;
}

/* Whether a failure means no HTTP exchange could even start: DNS, connect or TLS. */
static int never_reached(CURL *easy, CURLcode result)
{
    switch (result) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return 1;
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connected = 0;
        return curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected) == CURLE_OK &&
               connected == 0;
    }
    default:
        return 0;
    }
}

/* Records how transfer `s` ended; returns 1 when it should be tried again. */
static int finish(cf_transport *t, slot *s, CURLcode result)
{
    cf_exchange *x = s->ex;
    cf_response *resp = x->response;
    /* libcurl's own clock for this transfer (queueing in the multi handle excluded); a retried
     * exchange counts from its first attempt. */
    curl_off_t total = 0;
    if (s->attempt == 0 && curl_easy_getinfo(s->easy, CURLINFO_TOTAL_TIME_T, &total) == CURLE_OK)
        resp->elapsed_ms = (double)total / 1000.0;
    else
        resp->elapsed_ms = ms_since(&s->start);
    if (resp->status == 0) {
        long code = 0;
        if (curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
            resp->status = code;
    }
    if (result == CURLE_OK) {
        resp->transport_rc = CF_OK;
        resp->transport_error[0] = '\0';
        return 0;
    }
    if (resp->body_truncated) {
        snprintf(resp->transport_error, sizeof(resp->transport_error),
                 "response body exceeds the %zu-byte limit; transfer aborted", resp->body.max);
        resp->transport_rc = CF_E_TOO_LARGE;
        return 0;
    }
    if (resp->headers_overflow) {
        snprintf(resp->transport_error, sizeof(resp->transport_error),
                 "response headers exceed %u bytes or %u lines; transfer aborted",
                 (unsigned)CF_MAX_RESPONSE_HEADERS, (unsigned)CF_MAX_HEADER_COUNT);
        resp->transport_rc = CF_E_TOO_LARGE;
        return 0;
    }
    set_error(resp, result == CURLE_OPERATION_TIMEDOUT ? CF_E_TIMEOUT : CF_E_TRANSPORT,
              s->errbuf[0] ? s->errbuf : curl_easy_strerror(result));
    resp->unreachable = never_reached(s->easy, result);
    return x->retry_safe && s->attempt < t->opts.retries;
}

unsigned cf_transport_active(const cf_transport *t)
{
    return t->active + t->done_count;
}

unsigned cf_transport_room(const cf_transport *t)
{
    return t->opts.jobs - t->active - t->done_count;
}

cf_rc cf_transport_add(cf_transport *t, cf_exchange *ex)
{
    for (unsigned i = 0; i < t->opts.jobs; i++) {
        slot *s = &t->slots[i];
        if (!s->busy)
            return start(t, s, ex, 0);
    }
    set_error(ex->response, CF_E_USAGE, "no free transfer slot");
    return CF_E_USAGE;
}

void cf_transport_abandon(cf_transport *t, cf_rc rc, const char *why)
{
    for (unsigned i = 0; i < t->opts.jobs; i++) {
        slot *s = &t->slots[i];
        if (!s->busy)
            continue;
        curl_multi_remove_handle(t->multi, s->easy);
        s->busy = 0;
        s->ex->response->elapsed_ms = ms_since(&s->start);
        set_error(s->ex->response, rc, why);
    }
    t->active = 0;
    t->done_count = 0;
}

/* Reads what curl finished: done exchanges go to the ring, retries start again. */
static cf_rc harvest(cf_transport *t)
{
    cf_rc result = CF_OK;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(t->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        char *priv = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        slot *s = (slot *)(void *)priv;
        CURLcode code = msg->data.result; /* msg is invalid once the handle is removed */
        curl_multi_remove_handle(t->multi, s->easy);
        s->busy = 0;
        t->active--;
        if (finish(t, s, code)) {
            double sent = s->ex->response->sent_ms; /* a retry keeps the first send time */
            cf_response_reset(s->ex->response);
            s->ex->response->sent_ms = sent;
            cf_rc rc = start(t, s, s->ex, s->attempt + 1);
            if (rc == CF_OK)
                continue;
            if (rc == CF_E_NOMEM)
                result = rc;
        }
        push_done(t, s->ex);
    }
    return result;
}

/* Milliseconds until curl's timer fires (0 when due), or `cap` when it is later or off. */
static int timer_wait(const cf_transport *t, int cap)
{
    if (!t->timer_on)
        return cap;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(t->timer_due.tv_sec - now.tv_sec) * 1000 +
                   (t->timer_due.tv_nsec - now.tv_nsec + 999999) / 1000000;
    if (ms <= 0)
        return 0;
    return ms < cap ? (int)ms : cap;
}

/* Waits up to `wait_ms` for a ready socket or curl's timer, lets curl act on what is ready,
 * then reads what finished. */
static cf_rc drive(cf_transport *t, int wait_ms)
{
    struct epoll_event ev[64];
    int running = 0;
    int wait = timer_wait(t, wait_ms);
    int n = epoll_wait(cf_watch_epoll_fd(t->watch), ev, (int)(sizeof(ev) / sizeof(ev[0])), wait);
    if (n < 0 && errno != EINTR)
        return CF_E_NOMEM;
    for (int i = 0; i < n; i++) {
        if (!cf_watch_event(t->watch, ev[i].data.fd))
            continue; /* an idle connection's socket: curl does not watch it */
        int mask = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                   (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                   (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        if (curl_multi_socket_action(t->multi, ev[i].data.fd, mask, &running) != CURLM_OK)
            return CF_E_NOMEM;
    }
    /* curl's timer is due; with nothing ready after a full wait, a timeout call also keeps
     * a timer curl did not re-announce from being lost. */
    if ((t->timer_on && timer_wait(t, 1) == 0) || (n == 0 && wait_ms > 0 && wait == wait_ms)) {
        t->timer_on = 0; /* set again by on_timer when curl has a next one */
        if (curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
            return CF_E_NOMEM;
    }
    return harvest(t);
}

cf_rc cf_transport_next(cf_transport *t, int timeout_ms, cf_exchange **done)
{
    *done = NULL;
    for (int waited = 0;; waited = 1) {
        if (t->done_count) {
            *done = t->done[t->done_head];
            t->done_head = (t->done_head + 1) % t->opts.jobs;
            t->done_count--;
            return CF_OK;
        }
        if (t->active == 0 || waited)
            return CF_OK; /* nothing out, or the wait is over */
        /* What is ready already (and what was just added) first, then one wait. */
        cf_rc rc = drive(t, 0);
        if (rc == CF_OK && !t->done_count)
            rc = drive(t, timeout_ms);
        if (rc != CF_OK)
            return rc;
    }
}

cf_rc cf_transport_perform(cf_transport *t, cf_exchange *ex, size_t n, volatile sig_atomic_t *stop)
{
    cf_rc result = CF_OK;
    size_t next = 0, finished = 0;
    while (finished < n) {
        if (stop && *stop) {
            cf_transport_abandon(t, CF_E_INTERRUPTED, "interrupted before the response");
            for (size_t i = next; i < n; i++)
                set_error(ex[i].response, CF_E_INTERRUPTED, "interrupted before the response");
            return CF_E_INTERRUPTED;
        }
        while (next < n && cf_transport_room(t) > 0) {
            cf_rc rc = cf_transport_add(t, &ex[next++]);
            if (rc != CF_OK) {
                finished++; /* not started: its error is on its response */
                if (rc == CF_E_NOMEM)
                    result = rc;
            }
        }
        if (finished >= n)
            break;
        cf_exchange *done = NULL;
        cf_rc rc = cf_transport_next(t, 100, &done);
        if (rc != CF_OK) {
            cf_transport_abandon(t, rc, "curl_multi_perform failed");
            for (size_t i = next; i < n; i++)
                set_error(ex[i].response, rc, "curl_multi_perform failed");
            return rc;
        }
        if (done)
            finished++;
    }
    return result;
}
