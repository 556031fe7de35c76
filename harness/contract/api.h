/* api.h - cf_api, the one model of an API that every contract loader fills (OpenAPI, AWS
 * models, conform v1 files) and that the runner, checks, mock and generators read. */
#ifndef CF_API_H
#define CF_API_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"
#include "contract/schema.h"

/* Memory: a cf_api owns everything reachable from it. Structs, arrays and strings come from
 * the api's arena (cf_api_alloc, cf_api_strdup) and live until cf_api_free(); nothing in the
 * model is freed on its own. The cJSON documents a loader parsed are handed over with
 * cf_api_adopt() and freed with the api; every `const cJSON *` field (schemas, examples,
 * templates) borrows from one of them. Compiled schemas are made by cf_api_schema_set(), which
 * records them so cf_api_free() frees them. A loaded cf_api is read-only: it may be shared by
 * threads that only read it. Zero-initialised fields mean "absent" everywhere below. */

/* The roles an error can play; checks and the mock look codes and statuses up by role.
 * X(enum, name in files). */
#define CF_API_ROLE_MAP(X)                                                                         \
    X(CF_API_ROLE_VALIDATION, "validation")                                                        \
    X(CF_API_ROLE_AUTH, "auth")                                                                    \
    X(CF_API_ROLE_NOT_FOUND, "not-found")                                                          \
    X(CF_API_ROLE_CONFLICT, "conflict")                                                            \
    X(CF_API_ROLE_QUOTA, "quota")                                                                  \
    X(CF_API_ROLE_THROTTLE, "throttle")                                                            \
    X(CF_API_ROLE_INTERNAL, "internal")

typedef enum {
    CF_API_ROLE_NONE = -1, /* no role: a success, or an error the contract does not classify */
#define CF_API_ROLE_ENUM(e, s) e,
    CF_API_ROLE_MAP(CF_API_ROLE_ENUM)
#undef CF_API_ROLE_ENUM
        CF_API_ROLE__COUNT
} cf_api_role;

/* "validation", ...; "none" for CF_API_ROLE_NONE or an out-of-range value. Never NULL. */
const char *cf_api_role_name(cf_api_role r);
/* CF_API_ROLE_NONE when `name` is not a role. */
cf_api_role cf_api_role_from_name(const char *name);
/* The role a bare HTTP status implies when a contract says nothing: 400 and 422 validation,
 * 401 and 403 auth, 404 not-found, 409 conflict, 429 throttle, 5xx internal, else none. */
cf_api_role cf_api_role_for_status(int status);

/* Where a contract came from. */
typedef enum {
    CF_API_FROM_OPENAPI_30 = 0,
    CF_API_FROM_OPENAPI_31,
    CF_API_FROM_SMITHY,
    CF_API_FROM_BOTOCORE,
    CF_API_FROM_V1,
} cf_api_source;

/* A JSON Schema in the model: the schema as written (borrowed from an adopted document) and
 * its compiled form. json NULL: no schema (anything goes). compiled may be NULL while json is
 * set only if the loader chose not to compile (never in a loaded api). */
typedef struct {
    const cJSON *json;
    cf_schema *compiled; /* owned by the api (registered by cf_api_schema_set) */
} cf_api_schema;

/* ---- servers and variables ---- */

typedef struct {
    const char *name;
    const char *default_value; /* NULL when none (OpenAPI requires one) */
    const char **enum_values;  /* allowed values; count 0 = any */
    size_t enum_count;
    const char *description; /* may be NULL */
} cf_api_server_var;

typedef struct {
    const char *url; /* template with {variables}, e.g. "https://{region}.example.com/v1" */
    const char *description;
    cf_api_server_var *vars;
    size_t var_count;
} cf_api_server;

/* A variable of the API (a suite or the command line sets its value). */
typedef struct {
    const char *name;          /* [A-Za-z_][A-Za-z0-9_]* */
    const char *default_value; /* NULL: must be set */
    int secret;                /* 1: redacted everywhere; a caller's credential */
    const char *description;
} cf_api_var;

/* ---- credentials ---- */

/* Where a parameter or credential travels. */
typedef enum {
    CF_API_IN_PATH = 0,
    CF_API_IN_QUERY,
    CF_API_IN_HEADER,
    CF_API_IN_COOKIE, /* recorded, not sent by the runner */
    CF_API_IN_BODY,   /* a member of the request body (JSON Pointer) */
} cf_api_in;

/* "path", "query", "header", "cookie", "body"; never NULL. */
const char *cf_api_in_name(cf_api_in in);

typedef enum {
    CF_API_CRED_API_KEY = 0, /* the value as is, in a header or query parameter */
    CF_API_CRED_BEARER,      /* "Authorization: Bearer <value>" */
    CF_API_CRED_BASIC,       /* "Authorization: Basic <value>" (value is base64 user:password) */
} cf_api_cred_kind;

typedef struct {
    const char *id; /* the scheme's name in the contract ("api_key", "bearerAuth") */
    cf_api_cred_kind kind;
    cf_api_in in;         /* CF_API_IN_HEADER or CF_API_IN_QUERY (or COOKIE, recorded only) */
    const char *name;     /* header or query parameter name ("Authorization", "X-Api-Key") */
    const char *prefix;   /* put before the value ("Bearer "), NULL for none */
    const char **callers; /* secret variables whose values are callers' credentials; count 0:
                           * the suite or the command line must name them */
    size_t caller_count;
    int inferred; /* 1: taken from securitySchemes without x-conform */
} cf_api_credential;

/* One way to satisfy an operation's security: every credential of the set is sent. */
typedef struct {
    const cf_api_credential **all;
    size_t count;
} cf_api_security;

/* ---- errors and the envelope ---- */

typedef struct {
    const char *code;     /* as it appears on the wire (the envelope's code locator) */
    int status;           /* 100..599 */
    cf_api_role role;     /* CF_API_ROLE_NONE when it has none */
    cf_api_schema schema; /* the error's body, when the contract gives one */
    int inferred;         /* 1: the role came from the status, not from the contract */
} cf_api_error;

/* Where a value sits in a response: exactly one set, or neither (absent). */
typedef struct {
    const char *pointer; /* JSON Pointer into the body */
    const char *header;  /* header name, case-insensitive */
} cf_api_locator;

typedef enum {
    CF_API_CLASSIFY_STATUS = 0, /* 2xx (and 3xx) success, 4xx/5xx error */
    CF_API_CLASSIFY_FLAG,       /* a boolean member: true success, false error */
} cf_api_classify;

/* Places tried in order; the first that is present in a response wins. count 0: absent. */
#define CF_API_MAX_LOCATORS 4
typedef struct {
    cf_api_locator at[CF_API_MAX_LOCATORS];
    size_t count;
} cf_api_locators;

typedef struct {
    cf_api_classify classify;
    const char *flag;     /* CF_API_CLASSIFY_FLAG: JSON Pointer of the boolean */
    cf_api_locators code; /* where an error's code sits; count 0: errors carry no code */
    cf_api_locators message;
    int trim_aws_code; /* 1: a code is cut as AWS clients do: "Name:uri" -> "Name" (the
                        * x-amzn-ErrorType header), "ns#Name" -> "Name" (a body's __type) */
} cf_api_envelope;

/* ---- operations ---- */

typedef enum {
    CF_API_STYLE_SIMPLE = 0, /* path and header default: a,b,c */
    CF_API_STYLE_FORM,       /* query default: x=a&x=b (explode) or x=a,b */
    CF_API_STYLE_LABEL,      /* recorded; serialised as simple */
    CF_API_STYLE_MATRIX,     /* recorded; serialised as simple */
    CF_API_STYLE_SPACE_DELIMITED,
    CF_API_STYLE_PIPE_DELIMITED,
    CF_API_STYLE_DEEP_OBJECT,
} cf_api_style;

typedef struct {
    const char *name;
    cf_api_in in; /* PATH, QUERY, HEADER or COOKIE */
    int required; /* path parameters are always required */
    cf_api_style style;
    int explode;
    cf_api_schema schema;
    const cJSON *example; /* may be NULL */
    int deprecated;
} cf_api_param;

/* A body of one media type (request or response). */
typedef struct {
    const char *media_type; /* as written: "application/json", or a range ("text/any") */
    cf_api_schema schema;
    const cJSON *example;  /* `example`, else the first of `examples`; NULL when none */
    const cJSON *examples; /* object name -> value (the values, refs resolved); may be NULL */
} cf_api_media;

typedef struct {
    const char *name;
    int required;
    cf_api_schema schema;
} cf_api_header;

typedef enum {
    CF_API_STATUS_EXACT = 0, /* status is 100..599 */
    CF_API_STATUS_RANGE,     /* status is 1..5: "2XX" is 2 */
    CF_API_STATUS_DEFAULT,   /* every status not listed otherwise; status 0 */
} cf_api_status_kind;

typedef struct {
    cf_api_status_kind kind;
    int status;
    const char *description;
    cf_api_media *content; /* count 0: no body */
    size_t content_count;
    cf_api_header *headers; /* headers this response carries (required ones must) */
    size_t header_count;
    cf_api_role role;       /* the error role of this response, CF_API_ROLE_NONE for success */
    const char *error_code; /* the catalogue code it carries, NULL when unknown */
} cf_api_response;

/* Where an idempotency token travels. */
typedef enum {
    CF_API_TOKEN_NONE = 0, /* the operation is not idempotent by token */
    CF_API_TOKEN_BODY,     /* `token` is a JSON Pointer into the request body */
    CF_API_TOKEN_HEADER,   /* `token` is a header name ("Idempotency-Key") */
    CF_API_TOKEN_QUERY,    /* `token` is a query parameter name */
} cf_api_token_in;

typedef enum {
    CF_API_SCOPE_CALLER = 0, /* a token is remembered per caller credential */
    CF_API_SCOPE_GLOBAL,     /* one token space for every caller */
} cf_api_scope;

/* The idempotency rule (IETF draft semantics when inferred: a replay returns the first
 * result, success or error; a changed payload is 422; a duplicate in flight is 409). */
typedef struct {
    cf_api_token_in in;
    const char *token;
    cf_api_scope scope;
    const char **must_repeat; /* request members / parameters a replay must repeat (JSON
                               * Pointers into the body, or "header:Name", "query:name");
                               * count 0: the whole request */
    size_t must_repeat_count;
    const char **identical; /* response members identical on replay (JSON Pointers); count 0:
                             * the whole body */
    size_t identical_count;
    cf_api_role mismatch_role;  /* answer to a reused token with another payload */
    int mismatch_status;        /* 0: the role's status */
    const char *mismatch_code;  /* NULL: the role's code, if any */
    cf_api_role in_flight_role; /* allowed answer to a duplicate still in flight */
    int in_flight_status;
    const char *in_flight_code;
    long retention_s;   /* how long a token is remembered; 0 = unknown */
    int replays_errors; /* 1: an error result is replayed too (IETF draft) */
    int inferred;       /* 1: from an Idempotency-Key parameter / idempotencyToken */
} cf_api_idempotency;

/* A cross-field rule on success bodies (x-conform / v1 "rules"). */
typedef enum {
    CF_API_RULE_AFTER,  /* timestamp at `path` is later than the one at `than` */
    CF_API_RULE_FUTURE, /* timestamp at `path` is later than the moment the response arrived */
} cf_api_rule_kind;

typedef struct {
    const char *id; /* check id reported, e.g. "rule.url_expiry-after-created_at" */
    cf_api_rule_kind kind;
    const char *path; /* JSON Pointer; the rule holds vacuously when the member is absent */
    const char *than; /* CF_API_RULE_AFTER only */
} cf_api_rule;

/* A resource id an operation produces (in its response) or consumes (in its request):
 * the mock and the suite generator link operations through it. */
typedef struct {
    const char *resource; /* a name the two sides share ("post", "ConnectionToken") */
    cf_api_in in;         /* produced: CF_API_IN_BODY or HEADER; consumed: any */
    const char *where;    /* JSON Pointer (BODY) or parameter / header name */
    /* the mock's resource life cycle (overlay "state", "next_state", "ends", "seeds") */
    const char *state;      /* produced: the state it starts in; consumed: the state it must be
                             * in (NULL: any) */
    const char *next_state; /* consumed: its state after a success (NULL: unchanged) */
    int ends;               /* consumed: a success forgets it; later uses are unknown */
    const char **seeds;     /* consumed: variables whose values are known ids from the start,
                             * usable by every caller */
    size_t seed_count;
} cf_api_resource_ref;

/* A list the mock keeps per caller: operations append items to it and list it in pages
 * (overlay "appends" / "lists"). collection NULL: none. */
typedef struct {
    const char *collection; /* a name the operations share ("transcript") */
    const cJSON *item;      /* appends: template of the item, expanded like an answer */
    const char *items;      /* lists: JSON Pointer of the answer's array */
    const char *limit;      /* lists: the page size in the request ("/MaxResults", "query:limit",
                             * "header:Name"); NULL: default_limit */
    const char *cursor;     /* lists: the page token in the request, same forms */
    const char *next;       /* lists: JSON Pointer of the next page's token in the answer */
    long default_limit;     /* lists: page size when the request gives none; 0: 100 */
} cf_api_mock_collection;

typedef struct {
    const cJSON *answer_body;    /* template tree for a success answer; NULL: examples or
                                  * synthesised from the schema */
    const cJSON *answer_headers; /* object name -> template */
    int answer_status;           /* 0: the first success response's status */
    cf_api_resource_ref *produces;
    size_t produce_count;
    cf_api_resource_ref *consumes;
    size_t consume_count;
    cf_api_mock_collection appends; /* a success adds one item */
    cf_api_mock_collection lists;   /* a success answers a page of the items */
} cf_api_mock_hints;

typedef struct {
    const char *id;     /* operationId, or "<METHOD> <path>" when the contract has none */
    const char *method; /* upper case: "GET", "POST", ... */
    const char *path;   /* template with {params}, starting with '/' */
    const char *summary;
    const char **tags;
    size_t tag_count;
    int deprecated;
    cf_api_param *params;
    size_t param_count;
    cf_api_media *bodies; /* the request body per media type; count 0: no body */
    size_t body_count;
    int body_required;
    cf_api_response *responses; /* as the contract orders them */
    size_t response_count;
    cf_api_security *security; /* alternatives; count 0 and security_none 0: as the api */
    size_t security_count;
    int security_none; /* 1: the operation needs no credentials (an explicit empty list) */
    cf_api_idempotency idem;
    cf_api_mock_hints mock;
    const cJSON *send_headers; /* object: name -> template; headers every request of the
                                * operation carries (v1 "operation.headers"); may be NULL */
    cf_api_rule *rules;        /* checked on every success answer */
    size_t rule_count;
    long latency_ms;     /* 0: the api's default */
    const char *pointer; /* where it sits in its source ("/paths/~1pets/get"), for messages */
} cf_api_operation;

/* ---- the API ---- */

typedef struct cf_api_arena cf_api_arena; /* private */

typedef struct cf_api {
    /* public */
    char *file; /* the entry file as given to the loader; may be NULL */
    cf_api_source source;
    const char *title;
    const char *version; /* the API's version (info.version), not the format's */
    cf_api_server *servers;
    size_t server_count;
    cf_api_var *vars;
    size_t var_count;
    cf_api_credential *credentials;
    size_t credential_count;
    cf_api_security *security; /* the default for operations that do not say; count 0: none */
    size_t security_count;
    cf_api_error *errors; /* the error catalogue */
    size_t error_count;
    struct {
        const char *code; /* the catalogue code of the role, NULL when none */
        int status;       /* the role's status, 0 when unknown */
        int inferred;     /* 1: from statuses, not from the contract */
    } roles[CF_API_ROLE__COUNT];
    cf_api_envelope envelope;
    const char **required_headers; /* header names every response must carry (case-insensitive) */
    size_t required_header_count;
    struct {
        long latency_ms;           /* budget per response; 0 = none */
        const char *request_type;  /* media type sent when an operation has several; default
                                    * "application/json" */
        const char *response_type; /* media type responses must carry; NULL = any */
    } defaults;
    struct {
        const cJSON *headers;    /* object: headers on every mock answer (templates) */
        const cJSON *error_body; /* template tree of an error answer */
        const cJSON *error_headers;
        long url_ttl_s; /* lifetime of URLs the mock issues ({$expiry}); 0: 300 s */
    } mock;
    cf_api_operation *operations;
    size_t operation_count;
    cf_schema_options schema_options; /* the dialect and the "#/..." root every schema of the
                                       * api was compiled with */
    const cJSON *document;            /* the entry document as loaded (refs bundled) */
    /* private */
    cf_api_arena *arena;
    cJSON **docs; /* adopted documents */
    size_t doc_count;
    size_t doc_cap;
    cf_schema **schemas; /* compiled schemas to free */
    size_t schema_count;
    size_t schema_cap;
} cf_api;

/* ---- construction (loaders) ---- */

/* A new, empty api (source, file copied). Returns NULL on allocation failure. */
cf_api *cf_api_new(cf_api_source source, const char *file);
/* Frees the api and everything it owns. Accepts NULL. */
void cf_api_free(cf_api *api);

/* `size` zeroed bytes owned by the api, aligned for any type; NULL when out of memory or past
 * CF_MAX_API_BYTES. */
void *cf_api_alloc(cf_api *api, size_t size);
/* A copy of `s` (NULL gives NULL) / of `len` bytes of `s`, owned by the api. NULL on failure
 * (check: `s` non-NULL and result NULL). */
const char *cf_api_strdup(cf_api *api, const char *s);
const char *cf_api_strndup(cf_api *api, const char *s, size_t len);
/* Takes ownership of `doc` (freed with the api). On failure frees `doc` and returns
 * CF_E_NOMEM, so the caller never frees it. */
CF_WUR cf_rc cf_api_adopt(cf_api *api, cJSON *doc);
/* Sets s->json = json and compiles it with api->schema_options (json NULL: clears s).
 * Returns CF_OK, CF_E_NOMEM. The compiled schema is freed with the api. */
CF_WUR cf_rc cf_api_schema_set(cf_api *api, cf_api_schema *s, const cJSON *json);

/* ---- lookups ---- */

/* NULL when absent. */
const cf_api_operation *cf_api_operation_find(const cf_api *api, const char *id);
const cf_api_var *cf_api_var_find(const cf_api *api, const char *name);
const cf_api_error *cf_api_error_find(const cf_api *api, const char *code);
const cf_api_credential *cf_api_credential_find(const cf_api *api, const char *id);
/* The parameter `name` in `in` (header names case-insensitively). */
const cf_api_param *cf_api_param_find(const cf_api_operation *op, cf_api_in in, const char *name);
/* The response the contract gives for `status`: the exact status, else its range ("2XX"),
 * else `default`; NULL when none applies. */
const cf_api_response *cf_api_response_for(const cf_api_operation *op, int status);
/* The media entry for `media_type` (parameters after ';' ignored, case-insensitive): an exact
 * match, else a "type/any" range entry, else the "any/any" entry; NULL when none. */
const cf_api_media *cf_api_media_find(const cf_api_media *list, size_t count,
                                      const char *media_type);
/* The operation whose method and path template match a concrete request path ("/posts/7"
 * matches "/posts/{id}"); literal segments win over templated ones. NULL when none. */
const cf_api_operation *cf_api_route(const cf_api *api, const char *method, const char *path);

/* One "{name}" of a path template, as cf_api_path_param_next() finds it. */
typedef struct {
    const char *open;  /* its '{' */
    const char *after; /* just past its '}' */
    char name[256];    /* the name as written (a greedy "+" kept), cut when longer */
    int truncated;     /* 1: the name did not fit in `name` */
} cf_api_path_param;

/* The first {name} of a path template at or after `from`: 1 with *out filled; 0 when there is
 * none; -1 when a '{' is never closed (out->open at it). The one walk over path templates for
 * the loaders, the request builder and the suite linter. */
int cf_api_path_param_next(const char *from, cf_api_path_param *out);

/* ---- loading ---- */

/* Loads a contract, detecting its kind from its content (an "openapi" member: OpenAPI 3.x;
 * "swagger": refused as Swagger 2.0). Every problem is added to `diags` with the file and a
 * JSON Pointer (YAML: the line and column in the message). Returns CF_OK; CF_E_INVALID when
 * there was any problem (with diagnostics); CF_E_IO, CF_E_TOO_LARGE for an unreadable or
 * oversized file; CF_E_NOT_FOUND when the content is no contract this loader knows (no
 * diagnostic: the caller may try another format). On failure *out is NULL. */
CF_WUR cf_rc cf_api_load_file(const char *path, cf_api **out, cf_diags *diags);
/* 1 when a file's bytes look like a contract cf_api_load_file() takes (read, not parsed). */
int cf_api_sniff(const char *buf, size_t len);

#endif
