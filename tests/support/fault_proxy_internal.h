/* fault_proxy_internal.h - what the fault proxy's server (fault_proxy.c) and its faults
 * (fault_proxy_faults.c) share: one exchange on its way through, the fault table's row, the
 * proxy itself. Private to those two files.
 *
 * Memory: an exchange owns its headers, bodies and in_flight key (the server frees them after
 * answering); the proxy owns its spec, bindings, mock, daemon and flights. */
#ifndef CF_TEST_FAULT_PROXY_INTERNAL_H
#define CF_TEST_FAULT_PROXY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/secrets.h"
#include "fault_proxy.h"
#include "http/headers.h"
#include "mhd_util.h"
#include "mock/mock.h"
#include "suite/suite.h"

#define BODY_MAX (8u * 1024u * 1024u) /* request and answer bodies the proxy carries */

enum { P_ENVELOPE = 1, P_AWS = 2, P_BOTH = 3 };

typedef struct cf_fault_proxy proxy;

/* One request on its way through: what came in, and the answer that will go out. */
typedef struct {
    proxy *p;
    const char *method;
    const char *url;
    cf_headers req_headers;
    cf_buf req_body;
    int req_has_body; /* Content-Length or Transfer-Encoding was present */
    long status;      /* 0: no answer yet */
    cf_headers resp_headers;
    cf_buf resp_body;
    int answered;    /* 1: a before-hook answered; nothing is forwarded */
    char *in_flight; /* concurrent-duplicates: key registered while forwarding */
} exchange;

/* A fault: `before` may rewrite the request or answer it; `after` rewrites the answer. Each
 * returns 1 when it changed something. */
typedef int (*hook_fn)(exchange *x);

typedef struct {
    const char *name;
    unsigned profiles;
    hook_fn before;
    hook_fn after;
} fault;

typedef struct {
    char *key;
    unsigned count;
} flight;

struct cf_fault_proxy {
    cf_suite *suite;         /* the spec the proxy fronts (a v1 file: the mock serves suite->v1) */
    const cf_api *api;       /* suite->api */
    const char *auth_header; /* the header its credential travels in; NULL: none */
    const cf_spec *spec;     /* suite->v1, read by fault_proxy_gen.c until it reads the api */
    cf_secrets vars;
    cf_mock *mock;
    struct MHD_Daemon *daemon;
    cf_mhd_opts mhd;    /* borrowed by the daemon */
    const fault *fault; /* NULL: conforming */
    int aws;            /* 1: status-classified (AWS) profile */
    const char *bearer; /* borrowed from vars */
    const char *bearer_alt;
    char url[64];
    atomic_uint requests;
    atomic_uint applied;
    atomic_uint counter; /* answers shifted by replay-changed-created-at, dup suffixes */
    pthread_mutex_t lock;
    flight *flights; /* requests in flight (concurrent-duplicates) */
    size_t flight_count;
    size_t flight_cap;
};

/* The fault of that name (either table); NULL when there is none. */
const fault *cf_fault_find(const char *name);
/* The same among the faults only generated cases catch (fault_proxy_gen.c). */
const fault *cf_fault_gen_find(const char *name);

/* Shared by the two fault files. Answers the request with the internal error (1 on success). */
int cf_fault_answer_internal(exchange *x);
/* The request body as a JSON object (caller frees); NULL when it is not one. */
cJSON *cf_fault_req_object(const exchange *x);
/* Replaces the bytes of `b` with the compact form of `json` (which it frees). 1 on success. */
int cf_fault_reprint(cf_buf *b, cJSON *json);

#endif
