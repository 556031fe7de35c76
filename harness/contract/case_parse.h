/* case_parse.h - one parser for what a v1 spec case and a suite v2 case share: the case's id,
 * summary and tags, its single request or "steps", each step's request members (headers, set,
 * remove, body, raw_body, no_body), "parallel", "expect" and "capture", and the templates in
 * them ({var} declared, {@capture} taken by an earlier step, {$generator} known). Each format
 * plugs in its own step members, key lists and how error roles and codes resolve. */
#ifndef CF_CASE_PARSE_H
#define CF_CASE_PARSE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/api.h"
#include "contract/case.h"

/* Memory: the parser owns nothing. Parsed cases borrow every string and cJSON member from the
 * document they were parsed from; the returned case array and each case's arrays belong to the
 * caller (cf_cases_free). Diagnostics are added to `d` (owned by it). */

typedef struct cf_case_parser cf_case_parser;

/* Parses the format's own members of a step (v1: "request"; v2: "operation", "path", ...).
 * `obj` is a member of "steps" (in_scenario 1, already known to be an object) or the case
 * itself (in_scenario 0). */
typedef void (*cf_step_parse_fn)(cf_case_parser *p, cf_step *step, const cJSON *obj,
                                 const char *path, int in_scenario);

struct cf_case_parser {
    const char *file;
    cf_diags *d;
    size_t *errors;               /* incremented per error (not per warning) */
    const char *what;             /* "spec" or "suite", in messages */
    const char *const *case_keys; /* keys of a single-request case; "steps" among them */
    const char *const *step_keys; /* keys of a member of "steps" */
    cf_step_parse_fn parse_step;
    /* A role or code named by "error" or a member of "allow" -> its code (NULL for a role the
     * contract gives no code) and role. Returns 0 after reporting at `path` when it is neither. */
    int (*resolve)(cf_case_parser *p, const char *name, const char *path, const char **code,
                   cf_api_role *role);
    int (*has_var)(const cf_case_parser *p, const char *name); /* {name} is declared */
    int expect_required;     /* 1: a step without "expect" is an error (v1); 0: success expected */
    const char *request_key; /* member holding a step's request members ("request"), NULL when
                              * they sit in the step itself; for template messages */
    const void *model;       /* what the callbacks read (a cf_spec, a cf_suite) */
};

/* An error (counted) / a warning (not counted) at `path` of the parser's file. */
void cf_case_error(cf_case_parser *p, const char *path, const char *fmt, ...) CF_PRINTF(3, 4);
void cf_case_warn(cf_case_parser *p, const char *path, const char *fmt, ...) CF_PRINTF(3, 4);
/* "a string", "an object", ... for messages. */
const char *cf_case_type_of(const cJSON *v);
/* Reports each key of `obj` not in `allowed` with the allowed keys and the closest one. */
void cf_case_check_keys(cf_case_parser *p, const cJSON *obj, const char *path,
                        const char *const *allowed);
/* obj[key] when absent or of one of the cJSON `type` bits (0: any); else reports and NULL. */
const cJSON *cf_case_member(cf_case_parser *p, const cJSON *obj, const char *path, const char *key,
                            int type);

/* Parses the "cases" array at `path` (1..CF_MAX_CASES objects, ids unique) into a new array
 * (*count entries, each with `case_file`); NULL with *count 0 when absent or out of memory. */
cf_case *cf_case_parse_all(cf_case_parser *p, const cJSON *cases, const char *path,
                           const char *case_file, size_t *count);

/* Shared step members, each read from `obj` at `path`. */
void cf_case_parse_request(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path);
void cf_case_parse_parallel(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path);
/* `exp` is the "expect" member (may be NULL), `path` its path. */
void cf_case_parse_expect(cf_case_parser *p, cf_step *step, const cJSON *exp, const char *path);
void cf_case_parse_capture(cf_case_parser *p, cf_step *step, const cJSON *cap, const char *path);

/* Checks every template of the cases; `cases_path` is where they sit ("/cases"). */
void cf_case_lint_templates(cf_case_parser *p, const cf_case *cases, size_t count,
                            const char *cases_path);
/* Checks the templates in a tree outside the cases (mock 1: the mock's generators, no
 * captures). */
void cf_case_lint_tree(cf_case_parser *p, const cJSON *v, const char *path, int mock);
void cf_case_lint_string(cf_case_parser *p, const char *s, const char *path, int mock);

#endif
