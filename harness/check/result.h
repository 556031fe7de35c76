/* result.h - verdicts of a run: per case, its checks and the exchanges they judged. Every
 * string here is already redacted: results are what reports print. */
#ifndef CF_RESULT_H
#define CF_RESULT_H

/* Memory: a cf_run_result owns its cases, and each case owns its checks, exchanges, tags and
 * strings; cf_run_result_cleanup() frees all of it (accepts NULL and a zeroed result). Adders
 * copy their string arguments, except cf_case_add_exchange(), which takes them. The checks'
 * strings live in blocks the case owns (`check_text`): none is freed on its own. */

#include <stddef.h>

#include "base/rc.h"

typedef struct {
    char *id; /* stable check id, e.g. "envelope.shape"; in the case's check_text */
    int passed;
    char *step;     /* step name (and copy "#3" for parallel copies) */
    char *expected; /* what the contract wants */
    char *actual;   /* what came */
} cf_check_result;

typedef struct {
    char *step;
    char *request;  /* request line, headers and body as text (redacted, bounded) */
    char *response; /* status line, headers and body as text (redacted, bounded) */
    char *curl;     /* a curl command line that replays the request (secrets as env refs) */
    long status;
    double elapsed_ms; /* sent to last byte, libcurl's own clock */
    int unreachable;   /* the target could not be reached (DNS, connect, TLS) */
    char *error_code;  /* the error code the response carried (redacted), NULL when none */
    char *covered;     /* contract items this response exercised, one per line (see
                          check/coverage.h); NULL when none */
    double sent_ms;    /* wall clock (epoch ms) when the request left; 0: unknown */
    char *operation;   /* the operation the step called (a scenario's steps may differ); NULL
                          when unknown */
} cf_exchange_record;

typedef struct {
    char *spec_file;
    char *spec_title;
    char *id;
    char *summary;
    char **tags;
    size_t tag_count;
    cf_check_result *checks;
    size_t check_count;
    size_t check_cap;
    void *check_text; /* private (result.c): the blocks holding the checks' strings */
    cf_exchange_record *exchanges;
    size_t exchange_count;
    size_t exchange_cap;
    int passed;         /* every check held */
    int ran;            /* 0: not run (interrupted before it started) */
    double duration_ms; /* the sum of its steps' times (a parallel step: its slowest copy) */
    char *replay;       /* conform command line that reruns just this case */
    char *operation;    /* the operation the case calls (a scenario: its first step's); NULL
                           when unknown */
    char *not_run;      /* a scenario stopped at a failed step: which later steps were not
                           sent and why ("steps `b` (GetPost), `c` (DeletePost) not run: step
                           `a` failed"); they are not judged. NULL when every step ran */
} cf_case_result;

/* Which contract items of one operation the run's responses exercised (check/coverage.h). */
typedef struct {
    char *operation;
    char *spec_file;
    char **items;       /* "status 200", "code X", "success #/data/id present", ... */
    size_t *lens;       /* lens[i]: strlen(items[i]), so marking compares lengths first */
    unsigned char *hit; /* hit[i]: items[i] was exercised */
    size_t count;
} cf_op_coverage;

/* Cases per operation that a bounded run did not keep (cf_run_result_drop_case()). */
typedef struct {
    char *operation; /* cf_case_result_operation() of its cases */
    size_t passed, failed, not_run;
} cf_op_tally;

/* A run's results. After a CF_RUN_KEEP_ALL run `cases` holds every case whole, in selection
 * order. After a bounded run (CF_RUN_KEEP_DIGEST, what `conform run` does) it is a digest in
 * the order cases ended: failed cases whole (exchanges included) up to CF_MAX_KEPT_FAILURES,
 * then every other case as a compact record (id, outcome, duration, check ids, the failed
 * checks' texts, each exchange's step, status and error code) up to CF_MAX_KEPT_CASES; the
 * rest are only counted in dropped_*. An end-of-run writer reads `cases` as it is and adds
 * dropped_* to its counts; the full list is in the streamed report.json. Coverage does not
 * depend on what is kept: the runner marks it as responses come. */
typedef struct {
    cf_case_result *cases;
    size_t count;
    size_t cap;
    /* stats */
    size_t requests;
    size_t passed;
    size_t failed;
    size_t checks;
    size_t checks_failed;
    double duration_ms;
    int incomplete;           /* interrupted: not every case ran */
    int unreachable;          /* no exchange reached the target */
    char *unreachable_why;    /* curl's words and the URL */
    char *target;             /* what was tested */
    long long started_ms;     /* wall clock at start, epoch ms */
    cf_op_coverage *coverage; /* per operation; NULL when not computed */
    size_t coverage_count;
    /* Cases a bounded run (cf_run_opts.keep) handed to its sink but did not keep in `cases`;
     * they are in the streamed reports. Counts over `cases` plus these are the run's. */
    size_t dropped_passed;
    size_t dropped_failed;
    size_t dropped_not_run;
    size_t kept_failed;       /* failed cases kept whole in `cases` */
    cf_op_tally *dropped_ops; /* dropped_* per operation, so per-operation tables stay exact */
    size_t dropped_op_count;
    size_t dropped_op_cap;
    int seeded; /* 1: cases were generated with `seed` (report.json records it) */
    unsigned long long seed;
} cf_run_result;

/* Memory: a cf_run_result owns its cases and every string in them; cf_run_result_cleanup()
 * frees all and zeroes (accepts NULL). A cf_case_result owns its strings, checks and
 * exchanges; cf_case_result_cleanup() frees them and zeroes. */
void cf_run_result_cleanup(cf_run_result *r);
void cf_case_result_cleanup(cf_case_result *c);
/* Drops what a case does not need to be listed and grouped: the request, response and curl
 * texts of its exchanges (step, status, error code and timings stay; the coverage lines go)
 * and the step, expected and actual texts of its checks that held (ids and verdicts stay).
 * Cannot fail. */
void cf_case_result_compact(cf_case_result *c);
/* Appends `c` to `r`, taking its contents (`c` is zeroed); CF_E_NOMEM leaves `c` as it was. */
CF_WUR cf_rc cf_run_result_take_case(cf_run_result *r, cf_case_result *c);
/* Counts `c` in r->dropped_* and r->dropped_ops instead of keeping it (CF_E_NOMEM). */
CF_WUR cf_rc cf_run_result_drop_case(cf_run_result *r, const cf_case_result *c);
/* The name a case is tallied and grouped under: its operation, else its spec's title, else its
 * spec file ("" when none). Borrowed from `c`. */
const char *cf_case_result_operation(const cf_case_result *c);
/* Frees r->coverage and sets it to NULL (nothing computed). */
void cf_run_result_clear_coverage(cf_run_result *r);
/* Appends a new zeroed case result and returns it; NULL on allocation failure. */
cf_case_result *cf_run_result_add_case(cf_run_result *r);
/* Records a check on a case (copies strings; NULL allowed for expected/actual). */
CF_WUR cf_rc cf_case_add_check(cf_case_result *c, const char *id, int passed, const char *step,
                               const char *expected, const char *actual);
/* Appends an exchange record, taking ownership of the strings (freed on failure too). */
CF_WUR cf_rc cf_case_add_exchange(cf_case_result *c, char *step, char *request, char *response,
                                  char *curl, long status, double elapsed_ms);

#endif
