/* transport.h - sends requests over libcurl's multi interface, many in flight at once. */
#ifndef CF_TRANSPORT_H
#define CF_TRANSPORT_H

#include <signal.h>
#include <stddef.h>

#include "http/request.h"
#include "http/response.h"

typedef struct {
    unsigned jobs;   /* requests in flight at once (>= 1) */
    long timeout_ms; /* per request, whole transfer */
    long connect_timeout_ms;
    const char *proxy;  /* NULL: none (curl's env proxies are ignored too) */
    const char *cacert; /* NULL: system store */
    int insecure;       /* 1: skip TLS verification */
    size_t max_body;    /* response body bound */
    unsigned retries;   /* extra attempts after a transport failure, for retry-safe requests */
} cf_transport_opts;

/* Defaults: jobs 8, timeout 10000 ms, connect 5000 ms, verification on, CF_MAX_RESPONSE_BODY,
 * retries 0. Cannot fail. */
void cf_transport_opts_init(cf_transport_opts *o);

typedef struct cf_transport cf_transport;

/* Memory: cf_transport_free() accepts NULL. */
CF_WUR cf_rc cf_transport_new(const cf_transport_opts *opts, cf_transport **out);
void cf_transport_free(cf_transport *t);

/* One exchange to perform. `fresh_connection`: 1 forces a new connection (concurrent
 * duplicates must arrive on separate connections). `retry_safe`: a transport failure may be
 * retried. The response is filled in place (init it first). */
typedef struct {
    const cf_request *request;
    cf_response *response;
    int fresh_connection;
    int retry_safe;
} cf_exchange;

/* Streaming use: exchanges go in one by one and come back one by one as they finish, so a
 * caller keeps `jobs` in flight at all times. Memory: an added exchange (and its request and
 * response) is borrowed until cf_transport_next() hands it back or cf_transport_abandon().
 *
 * cf_transport_add() starts `ex` now. Returns CF_OK when it is in flight; otherwise it never
 * left and its response says why: CF_E_INVALID (no method or URL, a method that is not a
 * token), CF_E_USAGE (no room: see cf_transport_room()), CF_E_NOMEM (curl could not be set
 * up). Exchanges added in one go before the next cf_transport_next() leave together. */
CF_WUR cf_rc cf_transport_add(cf_transport *t, cf_exchange *ex);
/* Exchanges that may still be added (opts.jobs less those in flight or finished unread). */
unsigned cf_transport_room(const cf_transport *t);
/* Exchanges added and not yet handed back (in flight, or finished and unread). */
unsigned cf_transport_active(const cf_transport *t);
/* Drives the transfers and hands back one finished exchange in *done (its response filled:
 * sent_ms, elapsed_ms from libcurl's CURLINFO_TOTAL_TIME_T, status or transport error), or
 * NULL when none finished within about `timeout_ms` or none is in flight. Returns CF_E_NOMEM
 * when curl's multi interface failed (then abandon the rest). */
CF_WUR cf_rc cf_transport_next(cf_transport *t, int timeout_ms, cf_exchange **done);
/* Stops every transfer in flight, giving each response `rc` and `why`; none is handed back. */
void cf_transport_abandon(cf_transport *t, cf_rc rc, const char *why);

/* Performs all `n` exchanges, at most opts.jobs at once, and returns when every one has a
 * response or a transport error (in response->transport_rc / transport_error: a refused
 * connection, DNS or TLS failure, timeout or a reset mid-body never fails the call).
 * Returns CF_E_INTERRUPTED when *stop became non-zero (SIGINT), leaving the unfinished ones
 * with transport_rc CF_E_INTERRUPTED; CF_E_NOMEM when curl could not be set up. */
CF_WUR cf_rc cf_transport_perform(cf_transport *t, cf_exchange *ex, size_t n,
                                  volatile sig_atomic_t *stop);

#endif
