/* result.h - verdicts of a run: per case, its checks and the exchanges they judged. Every
 * string here is already redacted: results are what reports print. */
#ifndef CF_RESULT_H
#define CF_RESULT_H

/* Memory: a cf_run_result owns its cases, and each case owns its checks, exchanges, tags and
 * strings; cf_run_result_cleanup() frees all of it (accepts NULL and a zeroed result). Adders
 * copy their string arguments, except cf_case_add_exchange(), which takes them. */

#include <stddef.h>

#include "base/rc.h"

typedef struct {
    char *id; /* stable check id, e.g. "envelope.shape" */
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
    double elapsed_ms;
    int unreachable;  /* the target could not be reached (DNS, connect, TLS) */
    char *error_code; /* the error code the response carried (redacted), NULL when none */
    char *covered;    /* contract items this response exercised, one per line (see
                         check/coverage.h); NULL when none */
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
    cf_exchange_record *exchanges;
    size_t exchange_count;
    size_t exchange_cap;
    int passed; /* every check held */
    int ran;    /* 0: not run (interrupted before it started) */
    double duration_ms;
    char *replay;    /* conform command line that reruns just this case */
    char *operation; /* the operation the case calls; NULL when unknown */
} cf_case_result;

/* Which contract items of one operation the run's responses exercised (check/coverage.h). */
typedef struct {
    char *operation;
    char *spec_file;
    char **items;       /* "status 200", "code X", "success #/data/id present", ... */
    unsigned char *hit; /* hit[i]: items[i] was exercised */
    size_t count;
} cf_op_coverage;

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
    int seeded; /* 1: cases were generated with `seed` (report.json records it) */
    unsigned long long seed;
} cf_run_result;

void cf_run_result_cleanup(cf_run_result *r);
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
