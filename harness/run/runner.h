/* runner.h - runs a suite's cases against a target, streaming each finished case out. */
#ifndef CF_RUNNER_H
#define CF_RUNNER_H

#include <signal.h>
#include <stddef.h>

#include "base/secrets.h"
#include "check/result.h"
#include "suite/suite.h"
#include "http/transport.h"

/* Called after each case finishes (for a progress line); may be NULL. */
typedef void (*cf_progress_cb)(void *user, const cf_case_result *c, size_t done, size_t total);

/* The sink: called once per case the moment it ends (ran or, when the run stops early, not
 * run), before the case is kept or dropped. `c` is borrowed for the call. Returns CF_OK, or an
 * error that stops the run (a report file that cannot be written). */
typedef cf_rc (*cf_case_cb)(void *user, const cf_case_result *c);

/* What a run keeps in its cf_run_result once the sink has seen a case. */
typedef enum {
    CF_RUN_KEEP_ALL,   /* every case whole, in selection order (library callers, tests) */
    CF_RUN_KEEP_DIGEST /* bounded: failed cases whole up to CF_MAX_KEPT_FAILURES, other cases
                          as compact records (cf_case_result_compact) up to CF_MAX_KEPT_CASES,
                          the rest only counted (cf_run_result.dropped_*); memory stays flat */
} cf_run_keep;

/* How to run. Memory: borrows every pointer; the caller keeps them alive for the run. */
typedef struct {
    const char *base_url;      /* where requests go (a URL template); the caller resolves
                                  --target and starts a mock if one is wanted */
    const cf_secrets *secrets; /* the contract's variables (cf_vars_resolve_api); NULL: none */
    cf_transport_opts transport;
    const char *const *tags; /* run only cases with one of these tags; none = all */
    size_t tag_count;
    const char *filter; /* fnmatch glob on case ids; NULL = all */
    unsigned shard_k;   /* run shard k (1-based) of n; n == 0: no sharding */
    unsigned shard_n;
    unsigned repeat;             /* run the selection this many times (fresh tokens each time,
                                    result ids "id#k"); 0 or 1 = once */
    volatile sig_atomic_t *stop; /* set non-zero (by a signal) to stop early */
    cf_progress_cb progress;
    void *progress_user;
    cf_case_cb on_case; /* NULL: none */
    void *on_case_user;
    cf_run_keep keep;        /* default CF_RUN_KEEP_ALL */
    int record_exchanges;    /* 1: every exchange is recorded (for a --record-all sink); 0: a
                                passing single-step case's exchange is judged, never recorded */
    const char *rerun_flags; /* shell-quoted flags that reproduce this run's outcome (target,
                                variables, transport), put in every case's rerun line after
                                "conform run"; NULL: none */
    const char *curl_flags;  /* the same for the curl lines (proxy, TLS, time limit) */
} cf_run_opts;

/* Cannot fail. */
void cf_run_opts_init(cf_run_opts *o);

/* Runs the selected cases of `suite` against opts->base_url with opts->transport.jobs
 * requests in flight at all times: a scenario's next step leaves the moment its previous one
 * completes, a parallel step's copies leave together on fresh connections (briefly above
 * --jobs when they outnumber it). A scenario stops at its first failed step: the later steps
 * are not sent and the case result says so (cf_case_result.not_run), never judged. Each case
 * is handed to opts->on_case as it ends and then
 * kept in `result` per opts->keep (`result` owns them; free with cf_run_result_cleanup());
 * its stats are added to. Returns CF_OK when the run completed (checks may have failed: see the
 * results), CF_E_USAGE without a base URL, CF_E_TRANSPORT when the target was unreachable
 * (result->unreachable and unreachable_why set),
 * CF_E_INTERRUPTED when *stop was raised (result->incomplete set). `err` says what. */
CF_WUR cf_rc cf_run_suite(const cf_suite *suite, const cf_run_opts *opts, cf_run_result *result,
                          char *err, size_t errlen);

/* Whether case `c` (index i in its suite) is selected by tags, filter and shard. */
int cf_run_selects(const cf_run_opts *o, const cf_case *c, size_t index);

#endif
