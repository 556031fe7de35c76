/* aws_common.h - the AWS model both AWS loaders read into (private to contract/): shapes with
 * their constraints and HTTP bindings, whatever the file format, so that schemas, bindings, the
 * error catalogue and idempotency rules are built once (aws_common.c, aws_schema.c). */
#ifndef CF_AWS_COMMON_H
#define CF_AWS_COMMON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/diag.h"
#include "base/rc.h"

/* Memory: an aws_model owns every string, array and cJSON value reachable from it;
 * aws_model_cleanup() frees them all (accepts NULL) and leaves a valid empty model. Nothing in
 * it borrows from the parsed file. */

typedef enum {
    AWS_STRING = 0,
    AWS_BLOB,
    AWS_BOOLEAN,
    AWS_BYTE,
    AWS_SHORT,
    AWS_INTEGER,
    AWS_LONG,
    AWS_FLOAT,  /* float, double */
    AWS_BIGINT, /* bigInteger */
    AWS_BIGDEC, /* bigDecimal */
    AWS_TIMESTAMP,
    AWS_DOCUMENT,
    AWS_LIST, /* members[0] is the element */
    AWS_MAP,  /* members[0] the key, members[1] the value */
    AWS_STRUCTURE,
    AWS_UNION,
    AWS_UNIT, /* smithy.api#Unit: no input, no output */
} aws_kind;

/* Where a top-level input or output member travels. */
typedef enum {
    AWS_LOC_BODY = 0,     /* a member of the JSON body */
    AWS_LOC_LABEL,        /* a {label} in the path */
    AWS_LOC_QUERY,        /* one query parameter */
    AWS_LOC_QUERY_PARAMS, /* a map spread into query parameters */
    AWS_LOC_HEADER,       /* one header */
    AWS_LOC_PREFIX,       /* a map spread into headers sharing a prefix */
    AWS_LOC_PAYLOAD,      /* the whole body */
    AWS_LOC_STATUS,       /* the response status code */
} aws_loc;

typedef enum {
    AWS_TS_DEFAULT = 0, /* the protocol's default for where the value travels */
    AWS_TS_EPOCH,       /* epoch-seconds: a number */
    AWS_TS_DATE_TIME,   /* RFC 3339 */
    AWS_TS_HTTP_DATE,   /* IMF-fixdate */
} aws_ts;

/* Constraint traits: on a shape, or on a member (where they override the target's). */
typedef struct {
    int has_len_min, has_len_max, has_min, has_max;
    double len_min, len_max; /* @length / botocore min,max on strings, lists, maps, blobs */
    double min, max;         /* @range / botocore min,max on numbers */
    char *pattern;           /* @pattern (ECMA-262) or NULL */
    cJSON *enums;            /* enum values: strings (enum), numbers (intEnum), or NULL */
    size_t enum_count;       /* entries of enums (cJSON counts by walking its list) */
    aws_ts ts;               /* @timestampFormat */
    int sparse;              /* @sparse list or map: null elements allowed */
    int unique;              /* @uniqueItems */
} aws_constraints;

typedef struct {
    char *name;   /* the member name in the model */
    char *target; /* the shape id it targets, as written */
    char *ptr;    /* JSON Pointer of the member in its file */
    char *wire;   /* header, query or label name; @jsonName in a body; NULL: the name */
    aws_loc loc;
    int required;          /* @required / botocore "required" */
    int idempotency_token; /* @idempotencyToken */
    aws_constraints c;     /* member-level traits (Smithy) */
    size_t target_index;   /* set by aws_model_resolve() */
} aws_member;

typedef struct {
    char *id;  /* shape id (Smithy "ns#Name"; botocore "Name") */
    char *ptr; /* JSON Pointer of the shape in its file */
    aws_kind kind;
    aws_constraints c;
    aws_member *members; /* structure and union members; list / map parts */
    size_t member_count, member_cap;
    /* Error shapes */
    int is_error;    /* @error / botocore "exception" */
    int server;      /* @error("server") / botocore "fault" */
    int http_status; /* @httpError / error.httpStatusCode; 0: from is_error/server */
} aws_shape;

typedef struct {
    char *name;   /* short operation name ("SendMessage") */
    char *ptr;    /* JSON Pointer of the operation */
    char *method; /* "POST" */
    char *uri;    /* path template as written, "{Label}" kept */
    int code;     /* success status; 200 when the model says nothing */
    char *input;  /* input shape id, or NULL (no input) */
    char *output; /* output shape id, or NULL */
    char **errors;
    size_t error_count, error_cap;
    size_t input_index, output_index; /* (size_t)-1 when none; set by aws_model_resolve() */
    size_t *error_index;              /* set by aws_model_resolve() */
} aws_op;

typedef struct {
    const char *file; /* borrowed: the file name diagnostics carry */
    cf_diags *diags;  /* borrowed: where problems go (may be NULL) */
    size_t errors;    /* problems found */
    char *title;      /* service title */
    char *version;    /* API version */
    char *endpoint;   /* endpoint prefix ("participant.connect"), or NULL */
    aws_shape *shapes;
    size_t shape_count, shape_cap;
    aws_op *ops;
    size_t op_count, op_cap;
    int sorted;          /* shapes sorted by id (aws_model_resolve) */
    size_t schema_nodes; /* shapes inlined so far, bounded by CF_MAX_AWS_MODEL_NODES */
} aws_model;

void aws_model_init(aws_model *m, const char *file, cf_diags *diags);
void aws_model_cleanup(aws_model *m);

/* Records a problem at `ptr` in the model's file; returns CF_E_INVALID so callers can
 * `return aws_fail(...)`. */
cf_rc aws_fail(aws_model *m, const char *ptr, const char *fmt, ...) CF_PRINTF(3, 4);

/* Adds a zeroed shape (id and ptr copied) and returns it, or NULL (out of memory or past
 * CF_MAX_AWS_SHAPES, recorded). The pointer is valid until the next aws_model_add_shape. */
aws_shape *aws_model_add_shape(aws_model *m, const char *id, const char *ptr, aws_kind kind);
/* Adds a zeroed member (name and ptr copied) to `s`, or NULL (recorded). */
aws_member *aws_shape_add_member(aws_model *m, aws_shape *s, const char *name, const char *ptr);
/* Adds member `name` described by the object v, whose string `key` ("target", "shape") names
 * the target shape; its pointer is base + "/" + name. NULL when refused (recorded). */
aws_member *aws_shape_add_member_from(aws_model *m, aws_shape *s, const char *base,
                                      const char *name, const cJSON *v, const char *key);
/* Adds a zeroed operation (name and ptr copied), or NULL (recorded). */
aws_op *aws_model_add_op(aws_model *m, const char *name, const char *ptr);
/* Appends a copy of id to op's errors; CF_E_NOMEM or CF_E_TOO_LARGE (recorded). */
CF_WUR cf_rc aws_op_add_error(aws_model *m, aws_op *op, const char *id);
/* Finds a shape by id after aws_model_resolve(); NULL when absent. */
const aws_shape *aws_model_find(const aws_model *m, const char *id);

/* Sorts the shapes, refuses duplicates, and resolves every member target, operation input,
 * output and error to an index. An unknown target is recorded at the member's pointer.
 * Returns CF_OK or CF_E_INVALID / CF_E_NOMEM. */
CF_WUR cf_rc aws_model_resolve(aws_model *m);

/* The kind named by a Smithy shape type or a botocore "type" string; -1 when not a data kind. */
int aws_kind_from_name(const char *name);
const char *aws_kind_name(aws_kind k);

/* Strictly a whole number representable exactly (within +-2^53); for trait values. */
int aws_is_whole(double v);

/* Sets length (is_len) or range bounds on c after checking them: numbers, whole and
 * non-negative for lengths, min <= max. min/max may be NULL (absent). A bad value is recorded
 * at ptr naming `trait`; returns 0 then. */
int aws_set_bounds(aws_model *m, const char *ptr, const char *trait, aws_constraints *c, int is_len,
                   const cJSON *min, const cJSON *max);
/* Sets c->pattern from a JSON string (checked), recorded at ptr naming `trait` when not one. */
int aws_set_pattern(aws_model *m, const char *ptr, const char *trait, aws_constraints *c,
                    const cJSON *v);
/* Appends one enum value (a copy of v, a string or a whole number) to c->enums. */
int aws_add_enum(aws_model *m, const char *ptr, aws_constraints *c, const cJSON *v);
/* Copies a JSON string into *dst (freeing what was there); recorded at ptr naming `what` when v
 * is not a non-empty string. */
int aws_set_string(aws_model *m, const char *ptr, const char *what, char **dst, const cJSON *v);

/* The two readers: a parsed Smithy 2.0 JSON AST or botocore service-2 document into m (which
 * they resolve). Each refuses other protocols and anything it cannot represent, recorded with
 * the JSON Pointer. Return CF_OK, CF_E_INVALID or CF_E_NOMEM; m is cleaned up by the caller. */
CF_WUR cf_rc cf_aws_smithy_read(aws_model *m, const cJSON *doc);
CF_WUR cf_rc cf_aws_botocore_read(aws_model *m, const cJSON *doc);

/* Fills `api` (new, empty) from a resolved model: operations, parameters, bodies, responses,
 * the error catalogue and roles, the envelope, idempotency rules, inferred credentials and the
 * endpoint. Returns CF_OK, CF_E_INVALID (recorded) or CF_E_NOMEM. */
struct cf_api;
CF_WUR cf_rc cf_aws_build(aws_model *m, struct cf_api *api);

/* The protocol name AWS SDKs would print for a known non-restJson1 protocol id (Smithy trait id
 * or botocore protocol string); NULL when unknown. */
const char *aws_protocol_label(const char *id);

/* The JSON Schema of shape `index` as it travels in a JSON body (timestamps as epoch seconds
 * unless a trait says otherwise), or for `loc` a header/query/label value. Recursive shapes
 * (a cycle) and schemas past CF_MAX_AWS_SCHEMA_NODES are refused at `ptr`.
 * Memory: the caller frees the result with cJSON_Delete(); NULL on failure (recorded). */
cJSON *aws_schema_of(aws_model *m, size_t index, const aws_constraints *member, aws_loc loc,
                     const char *ptr);
/* The body schema of an input, output or error structure: its body members as properties
 * (with required), or the payload member's schema (*raw_payload set when that payload is a
 * string or blob sent as raw bytes). *out is NULL, with CF_OK, when nothing travels in the
 * body. Memory: the caller frees *out with cJSON_Delete(). */
CF_WUR cf_rc aws_schema_body(aws_model *m, size_t structure, cJSON **out, int *raw_payload);

#endif
