/* case.h - a case: one request with its expectations, or a scenario of such steps across the
 * operations of one contract. The v1 spec loader, the suite v2 loader and the generator all
 * produce it; the runner executes it. */
#ifndef CF_CASE_H
#define CF_CASE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "contract/api.h"

/* Memory: a case borrows everything it points at (cJSON members, strings, the operation) from
 * the document it was loaded from and the cf_api it was resolved against; whoever loaded it
 * (cf_spec, cf_suite, the generator) owns those and the arrays below, and frees them together. */

typedef enum { CF_OUTCOME_ANY, CF_OUTCOME_SUCCESS, CF_OUTCOME_ERROR } cf_outcome;

/* One request with its expectations: a whole case, or one step of a scenario. */
typedef struct {
    const char *name; /* step name; the case id for single-request cases */
    /* which operation; resolved when the case is loaded, never NULL in a loaded case */
    const cf_api_operation *op;
    const char *operation; /* the operation's id as written; NULL when the contract has one */
    const char *method;    /* overrides the operation's method; NULL: the operation's */
    /* the request, as changes to the operation's parameters, headers and example body */
    const cJSON *path_params; /* object: name -> template string (path template {name}) */
    const cJSON *query;       /* object: name -> template string, or null to drop it */
    const cJSON *headers;     /* object: name -> template string, or null to drop the header */
    const cJSON *set;         /* object: JSON Pointer -> value (strings are templates) */
    const cJSON *remove;      /* array of JSON Pointers */
    const cJSON *body;        /* replaces the example body when present */
    const char *raw_body;     /* template; sent verbatim instead of JSON when present */
    int no_body;              /* 1: send no body at all */
    unsigned parallel;        /* copies sent at the same moment on separate connections, >= 1 */
    /* expectations */
    cf_outcome outcome;
    int status;               /* expected HTTP status, 0 = derive from code / role / any */
    const char *code;         /* expected error code (literal or from "error": role) */
    cf_api_role role;         /* expected error role; CF_API_ROLE_NONE when none is named */
    const char **allow_codes; /* error codes also accepted instead of the outcome */
    size_t allow_count;
    const cJSON *equal;      /* object: JSON Pointer -> template ("{@capture}") */
    const cJSON *not_equal;  /* object: JSON Pointer -> template */
    const cJSON *consistent; /* array of JSON Pointers equal across parallel copies */
    const cJSON *capture;    /* object: name -> JSON Pointer or "header:Name" */
    const char *check;       /* check id reported for equal / not_equal / consistent, e.g.
                                "idempotency.replay-identical"; NULL = "expect.equal" etc. */
} cf_step;

typedef struct {
    const char *id;
    const char *summary; /* may be NULL */
    const char *file;    /* the file the case was written in; NULL for generated cases */
    const char **tags;
    size_t tag_count;
    cf_step *steps;
    size_t step_count;
    int scenario; /* 1 when written with "steps" */
    size_t index; /* position in "cases", for messages */
} cf_case;

/* Frees `cases` and the arrays each case owns (steps, tags, each step's allow_codes); not what
 * they borrow. Accepts NULL. */
void cf_cases_free(cf_case *cases, size_t count);

#endif
