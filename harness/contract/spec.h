/* spec.h - the spec model: one operation, its contract and its cases, loaded from a
 * "conform": 1 spec file. See specs/README.md for the file format. */
#ifndef CF_SPEC_H
#define CF_SPEC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/case.h"
#include "contract/schema.h"

/* Memory: a cf_spec owns the parsed document (`root`) and every array below; all `const char *`
 * and `const cJSON *` fields borrow from `root` (generated cases: from `generated`) and live
 * until cf_spec_free(). */

typedef struct {
    const char *name;          /* [A-Za-z_][A-Za-z0-9_]* */
    const char *default_value; /* NULL when the variable has no default (must then be set) */
    int secret;                /* 1: value is redacted everywhere and accepted as a credential */
    const char *description;   /* may be NULL */
} cf_var;

typedef struct {
    const char *code;
    int status; /* HTTP status that must accompany the code, 100..599 */
} cf_error_code;

/* The roles the contract gives error codes; the runner and mock look codes up by role. */
#define CF_ROLE_MAP(X)                                                                             \
    X(CF_ROLE_VALIDATION, "validation")                                                            \
    X(CF_ROLE_AUTH, "auth")                                                                        \
    X(CF_ROLE_CONFLICT, "conflict")                                                                \
    X(CF_ROLE_QUOTA, "quota")                                                                      \
    X(CF_ROLE_THROTTLE, "throttle")                                                                \
    X(CF_ROLE_INTERNAL, "internal")

typedef enum {
#define CF_ROLE_ENUM(e, s) e,
    CF_ROLE_MAP(CF_ROLE_ENUM)
#undef CF_ROLE_ENUM
        CF_ROLE__COUNT
} cf_role;

const char *cf_spec_role_name(cf_role r);
/* -1 when unknown. */
int cf_spec_role_from_name(const char *name);

/* Where a value sits in a response: exactly one of the two is set. */
typedef struct {
    const char *pointer; /* JSON Pointer into the body */
    const char *header;  /* header name, case-insensitive */
} cf_locator;

typedef enum {
    CF_CLASSIFY_STATUS, /* 2xx is success, anything else an error (AWS restJson1) */
    CF_CLASSIFY_FLAG    /* a boolean in the body: true success, false error (envelope) */
} cf_classify;

typedef struct cf_spec {
    char *file; /* as given to the loader */
    cJSON *root;
    const char *title;
    const char *server_url; /* template, e.g. "http://participant.connect.{region}.amazonaws.com" */
    cf_var *vars;
    size_t var_count;
    struct {
        const char *name;
        const char *method;
        const char *path;
        const cJSON *headers;       /* object: name -> template string */
        const char **content_types; /* request content types the server accepts */
        size_t content_type_count;
        const char *auth_header; /* NULL: the operation needs no credentials */
        const char **auth_vars;  /* names of the secret variables whose values are accepted */
        size_t auth_var_count;
        const cJSON *body_schema;
        cf_schema *body_compiled; /* body_schema compiled once at load; NULL when absent */
        const cJSON *example;     /* a valid body; cases change it */
    } op;
    struct {
        const char *content_type;      /* media type every response must carry */
        const char **required_headers; /* headers every response must carry */
        size_t required_header_count;
        cf_classify classify;
        const char *flag; /* CF_CLASSIFY_FLAG: pointer to the boolean */
        int success_status;
        const cJSON *success_schema;
        const cJSON *error_schema;
        cf_schema *success_compiled; /* the two schemas compiled once at load; NULL when absent */
        cf_schema *error_compiled;
        cf_locator code;    /* where an error's code is */
        cf_locator message; /* where an error's message is */
    } resp;
    struct {
        cf_error_code *codes;
        size_t count;
        const char *roles[CF_ROLE__COUNT]; /* role -> code; NULL when the spec names none */
    } errors;
    struct {
        int enabled;
        const char *token;       /* JSON Pointer of the token in the request body */
        const char **parameters; /* request members that must match on replay */
        size_t parameter_count;
        const char **identical; /* response members identical on replay */
        size_t identical_count;
        const char *mismatch_code;  /* answer to a reused token with other parameters */
        const char *in_flight_code; /* allowed answer to a duplicate still in flight; may be NULL */
        long retention_s;
    } idem;
    cf_api_rule *rules; /* the model's own rule type (contract/api.h) */
    size_t rule_count;
    long latency_ms; /* budget per response */
    struct {
        const cJSON *headers;         /* object: headers on every response (templates) */
        const cJSON *success_body;    /* template tree */
        const cJSON *success_headers; /* may be NULL */
        const cJSON *error_body;      /* template tree */
        const cJSON *error_headers;   /* may be NULL */
        long url_ttl_s;               /* lifetime of issued upload URLs */
    } mock;
    cf_case *cases;
    size_t case_count;
    cJSON *generated; /* what generated cases (gen/cases.h) borrow from; NULL when none */
} cf_spec;

/* Loads and lints a spec. Every problem found is added to `diags` with the file and the JSON
 * path; the load fails with CF_E_INVALID if there was any, CF_E_IO / CF_E_TOO_LARGE for an
 * unreadable or oversized file. On failure *out is NULL. */
CF_WUR cf_rc cf_spec_load_file(const char *path, cf_spec **out, cf_diags *diags);
/* Same from memory; `name` is used as the file name in diagnostics. `buf` need not be
 * NUL-terminated. */
CF_WUR cf_rc cf_spec_load_mem(const char *name, const char *buf, size_t len, cf_spec **out,
                              cf_diags *diags);
void cf_spec_free(cf_spec *spec);

/* HTTP status of a catalogue code; -1 when the code is not in the catalogue. */
int cf_spec_code_status(const cf_spec *spec, const char *code);
/* NULL when absent. */
const cf_var *cf_spec_var(const cf_spec *spec, const char *name);
/* NULL when the role has no code. */
const char *cf_spec_role_code(const cf_spec *spec, cf_role role);

#endif
