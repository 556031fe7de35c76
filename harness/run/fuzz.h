/* fuzz.h - a `conform fuzz` campaign over every operation of a contract (cf_api): each one's
 * generated requests and their mutants sent to a target behind the setup steps that make what it
 * consumes, judged by the checks `conform run` uses, steered per operation by the response
 * classes not seen yet; every finding minimised, de-duplicated and turned into a suite v2 case
 * `conform run` replays. */
#ifndef CF_FUZZ_H
#define CF_FUZZ_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/secrets.h"
#include "contract/api.h"
#include "http/transport.h"

/* Memory: a cf_fuzz_result owns its findings and every string in them;
 * cf_fuzz_result_cleanup() frees them (accepts NULL, leaves a zeroed result). The options
 * borrow everything they point to for the campaign. */

struct cf_fuzz_result;
/* Called after every batch (for a progress line); may be NULL. */
typedef void (*cf_fuzz_progress_cb)(void *user, const struct cf_fuzz_result *r);

typedef struct {
    const char *base_url;        /* where requests go (a URL template); required */
    const cf_secrets *secrets;   /* the contract's variables (cf_vars_resolve_api); NULL: none */
    cf_transport_opts transport; /* jobs = requests in flight */
    uint64_t seed;               /* the only source of randomness */
    double duration_s;           /* stop after this long; 0: no time limit */
    size_t max_requests;         /* stop after this many requests; 0: no limit */
    double rate;                 /* requests per second at most; 0: no cap */
    volatile sig_atomic_t *stop; /* set non-zero (by a signal) to stop early */
    cf_fuzz_progress_cb progress;
    void *progress_user;
    const char *curl_flags; /* curl options appended to each finding's curl line; NULL: none */
} cf_fuzz_opts;

/* Cannot fail. Defaults: transport defaults, seed 1, 60 s, no request or rate cap. */
void cf_fuzz_opts_init(cf_fuzz_opts *o);

/* One de-duplicated finding: the first request of an operation that failed check `check` with
 * this status and error code, minimised. Every text is redacted. */
typedef struct {
    char *id;        /* stable: "fuzz.<operation>.<check>.<status>[.<code>]", also the case id */
    char *operation; /* the operation's id */
    char *check;     /* the failed check's id, e.g. "status.5xx-on-bad-request" */
    long status;     /* HTTP status (0: no response) */
    char *code;      /* the response's error code; NULL when none */
    int valid;       /* 1: the request was valid (success expected) */
    char *origin;    /* how the request came about: "gen:<item>" or the mutator and pointer */
    char *detail;    /* what the check saw */
    char *case_json; /* the suite v2 case object (JSON text) that replays it: the operation's
                      * setup steps, then the request */
    char *curl;      /* a curl line that replays it, secrets as ${CONFORM_VAR_...} */
    size_t hits;     /* requests that failed the same way */
    size_t minimise_requests; /* requests spent minimising it */
    size_t request_index;     /* which campaign request found it (1-based) */
    double found_ms;          /* when, in ms since the campaign began (setup steps included) */
} cf_fuzz_finding;

typedef struct cf_fuzz_result {
    cf_fuzz_finding *findings;
    size_t count;
    size_t cap;
    size_t requests;   /* every request sent, minimisation and 429 retries included */
    size_t classes;    /* distinct response classes seen, summed over the operations */
    size_t operations; /* operations fuzzed */
    size_t setups;     /* setup step requests (part of `requests`) */
    size_t dead;       /* operations left out: a setup step failed */
    size_t pool;       /* inputs mutated from, over every operation */
    size_t valid;      /* requests the validator accepted */
    size_t skipped;    /* mutants that could not be built into a request */
    size_t throttled;  /* 429 answers (resent after a backoff) */
    double duration_ms;
    int interrupted;       /* *stop was raised */
    char *unreachable_why; /* set when the first batch never reached the target */
} cf_fuzz_result;

void cf_fuzz_result_cleanup(cf_fuzz_result *r);

/* Runs a campaign over every operation of `api` against opts->base_url until the duration, the
 * request cap or *stop: per operation its setup steps once (again after a success used up what
 * they made), then its generated requests, then mutants, operations taking turns. Returns CF_OK
 * (findings in `out`, maybe none), CF_E_USAGE (no base URL, or nothing to send: err says
 * why), CF_E_TRANSPORT when nothing reached the target (out->unreachable_why),
 * CF_E_INTERRUPTED when *stop was raised (findings so far kept, out->interrupted set),
 * CF_E_NOMEM. The same seed, contract, --jobs 1 and server behaviour give the same requests in
 * the same order, hence the same findings. */
CF_WUR cf_rc cf_fuzz_run(const cf_api *api, const cf_fuzz_opts *opts, cf_fuzz_result *out,
                         char *err, size_t errlen);

/* The campaign's summary as JSON (file, seed, figures, findings with their operation and files
 * "<id>.json" and "<id>.curl"), appended to `out`. */
CF_WUR cf_rc cf_fuzz_summary(const char *file, const cf_fuzz_opts *opts, const cf_fuzz_result *r,
                             const char *target, cf_buf *out);

#endif
