/* schema_internal.h - what the schema files share: the compiled form of a schema, type names as
 * bits, value rendering for messages, small keyword helpers, formats and regexes, and the
 * compiler's and validator's private state.
 *
 * Memory: a cf_schema owns all its nodes (the `nodes` list) and what each node owns (spath,
 * malformed, the arrays, regexes, prop_slots, required_at); cf_schema_free frees them. Nodes
 * borrow their JSON (src, const_, enum_, required, names) from the schema document, which must
 * outlive the cf_schema. A cf_schema_cctx lives on cf_schema_compile's stack; its queued refs
 * are freed as they are resolved or by cf_schema_compile. The validator allocates nothing but
 * the diagnostics it adds to the caller's cf_diags; its paths and contexts live on the stack. */
#ifndef CF_SCHEMA_INTERNAL_H
#define CF_SCHEMA_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "contract/schema.h"

/* Longest piece of a string value quoted in a message, in bytes before escaping. */
#define QUOTE_MAX 64
/* Room for one rendered value (quoted and escaped, or a number). */
#define VALUE_MAX (QUOTE_MAX * 6 + 16)
/* Room for one message. */
#define MESSAGE_MAX 1024

const char *cf_schema_instance_type(const cJSON *v);
int cf_schema_is_count(const cJSON *v);
const cJSON *cf_schema_keyword(const cJSON *schema, const char *name);
char cf_schema_lower(char c);
void cf_schema_render_number(double x, char *out, size_t n);
void cf_schema_render_string(const char *s, size_t len, char *out, size_t n);
void cf_schema_render_types(unsigned mask, char *out, size_t n);
void cf_schema_render_value(const cJSON *v, char *out, size_t n);
int cf_schema_type_accepts(unsigned mask, const cJSON *v);
unsigned cf_schema_type_bit(const char *name);

/* Type names as bits, in the order of the validator's type_names. */
enum {
    CF_SCHEMA_T_OBJECT = 1 << 0,
    CF_SCHEMA_T_ARRAY = 1 << 1,
    CF_SCHEMA_T_STRING = 1 << 2,
    CF_SCHEMA_T_INTEGER = 1 << 3,
    CF_SCHEMA_T_NUMBER = 1 << 4,
    CF_SCHEMA_T_BOOLEAN = 1 << 5,
    CF_SCHEMA_T_NULL = 1 << 6,
};

/* ---- formats (schema_format.c) ----------------------------------------------------------- */

/* Every asserted format; CF_FMT_NONE for none, CF_FMT_UNKNOWN for a name we do not know. */
#define CF_SCHEMA_FORMAT_MAP(X)                                                                    \
    X(DATE_TIME, "date-time")                                                                      \
    X(DATE, "date")                                                                                \
    X(TIME, "time")                                                                                \
    X(DURATION, "duration")                                                                        \
    X(EMAIL, "email")                                                                              \
    X(HOSTNAME, "hostname")                                                                        \
    X(IPV4, "ipv4")                                                                                \
    X(IPV6, "ipv6")                                                                                \
    X(URI, "uri")                                                                                  \
    X(URI_REFERENCE, "uri-reference")                                                              \
    X(UUID, "uuid")                                                                                \
    X(JSON_POINTER, "json-pointer")                                                                \
    X(REGEX, "regex")                                                                              \
    X(INT32, "int32")                                                                              \
    X(INT64, "int64")                                                                              \
    X(FLOAT, "float")                                                                              \
    X(DOUBLE, "double")                                                                            \
    X(BYTE, "byte")

typedef enum {
    CF_FMT_NONE = 0,
#define CF_FMT_ENUM(name, text) CF_FMT_##name,
    CF_SCHEMA_FORMAT_MAP(CF_FMT_ENUM)
#undef CF_FMT_ENUM
        CF_FMT_UNKNOWN,
} cf_schema_format;

/* The format a name stands for; CF_FMT_UNKNOWN when not one of ours. */
cf_schema_format cf_schema_format_of(const char *name);
const char *cf_schema_format_name(cf_schema_format f);
/* Whether string s (len bytes) is in the format. Cannot fail. */
int cf_schema_format_string(cf_schema_format f, const char *s, size_t len);
/* Whether the number is in the (numeric) format; strings' formats accept any number. */
int cf_schema_format_number(cf_schema_format f, double x);
/* Whether an https URI has a non-empty host (x-https). */
int cf_schema_uri_is_https(const char *s);

/* ---- regexes (schema_regex.c) ------------------------------------------------------------ */

typedef struct cf_schema_regex cf_schema_regex;

/* Compiles an ECMA-262 pattern (JSON Schema's dialect) with PCRE2, once. Returns CF_OK,
 * CF_E_INVALID with a reason in err (size n) when the pattern is not a valid ECMA-262 regex,
 * CF_E_NOMEM. Memory: *out is freed with cf_schema_regex_free (accepts NULL). */
cf_rc cf_schema_regex_compile(const char *pattern, size_t len, cf_schema_regex **out, char *err,
                              size_t n);
/* 1 when the pattern matches somewhere in s, 0 when not, -1 when the match limit was hit. */
int cf_schema_regex_search(const cf_schema_regex *re, const char *s, size_t len);
void cf_schema_regex_free(cf_schema_regex *re);

/* ---- the compiled form (schema_compile.c) ------------------------------------------------ */

typedef struct cf_schema_node cf_schema_node;

typedef struct {
    const char *name; /* borrowed from the document */
    cf_schema_node *node;
} cf_schema_named;

typedef struct {
    cf_schema_regex *re;
    cf_schema_node *node;
} cf_schema_pattern;

typedef struct {
    const char *name;     /* the member that, when present, ... */
    const cJSON *names;   /* ... requires these (array of strings), or */
    cf_schema_node *node; /* ... makes the object also pass this schema */
} cf_schema_dependent;

/* A keyword that cannot be evaluated: where (schema path of the keyword) and why. */
typedef struct {
    char *path;
    char *message;
} cf_schema_problem;

/* Which keywords a node holds (bits). */
enum {
    CF_K_MULTIPLE_OF = 1u << 0,
    CF_K_MINIMUM = 1u << 1,
    CF_K_MAXIMUM = 1u << 2,
    CF_K_EX_MINIMUM = 1u << 3,
    CF_K_EX_MAXIMUM = 1u << 4,
    CF_K_MIN_LENGTH = 1u << 5,
    CF_K_MAX_LENGTH = 1u << 6,
    CF_K_MIN_ITEMS = 1u << 7,
    CF_K_MAX_ITEMS = 1u << 8,
    CF_K_MIN_PROPS = 1u << 9,
    CF_K_MAX_PROPS = 1u << 10,
    CF_K_MIN_CONTAINS = 1u << 11,
    CF_K_MAX_CONTAINS = 1u << 12,
    CF_K_UNIQUE = 1u << 13,
    CF_K_NULLABLE = 1u << 14,
    CF_K_READ_ONLY = 1u << 15,
    CF_K_WRITE_ONLY = 1u << 16,
    CF_K_X_HTTPS = 1u << 17,
    CF_K_X_MILLIS = 1u << 18,
    CF_K_TYPE = 1u << 19,
};

/* One schema, compiled. Nodes are owned by the cf_schema (its `nodes` list) and may be shared:
 * a $ref names the node of its target, so cycles are pointers, bounded at validation. */
struct cf_schema_node {
    int boolean;                  /* 1: true schema, 0: false schema, -1: an object schema */
    const cJSON *src;             /* the schema's JSON, borrowed */
    char *spath;                  /* schema path ("" for the root, "/properties/a"), owned */
    unsigned has;                 /* CF_K_* bits */
    unsigned types;               /* CF_SCHEMA_T_* when CF_K_TYPE */
    cf_schema_problem *malformed; /* keywords that cannot be evaluated, owned */
    size_t n_malformed;

    cf_schema_node *ref; /* $ref target */
    cf_schema_node **all_of, **any_of, **one_of;
    size_t n_all_of, n_any_of, n_one_of;
    cf_schema_node *not_, *if_, *then_, *else_;
    const cJSON *const_; /* borrowed */
    const cJSON *enum_;  /* borrowed array */

    double multiple_of, minimum, maximum, ex_minimum, ex_maximum;
    double min_length, max_length, min_items, max_items, min_props, max_props;
    double min_contains, max_contains;
    cf_schema_format format;
    cf_schema_regex *pattern;

    cf_schema_named *props;
    size_t n_props;
    cf_schema_pattern *pattern_props;
    size_t n_pattern_props;
    cf_schema_node *additional; /* NULL: absent */
    cf_schema_node *property_names;
    const cJSON *required;                  /* borrowed array of strings */
    struct cf_schema_prop_slot *prop_slots; /* props by name (schema_props.c), owned */
    size_t prop_mask;                       /* table size - 1 */
    size_t *required_at; /* per required name its index in props, (size_t)-1 when it is not a
                          * property; NULL: the names are looked up among the members */
    cf_schema_dependent *dependents;
    size_t n_dependents;

    cf_schema_node **prefix_items; /* 2020-12 prefixItems, draft-04 array-form items */
    size_t n_prefix_items;
    cf_schema_node *items; /* the rest (2020-12 items, draft-04 additionalItems or items) */
    cf_schema_node *contains;

    const char *discriminator; /* property name, borrowed */
    cf_schema_named *mapping;  /* discriminator value -> branch */
    size_t n_mapping;

    cf_schema_node *next_in_list; /* every node of a cf_schema, for freeing */
};

/* ---- properties by name (schema_props.c) ------------------------------------------------- */

/* A required list at least this long, in a schema of at most CF_SCHEMA_PRESENT_MAX properties,
 * is checked against a bitmap of the properties present (one pass over the members, on the
 * stack) rather than by a scan of the members per name (GitHub's repository objects: ~80
 * required names, ~90 members). */
#define CF_SCHEMA_REQUIRED_INDEXED 8
#define CF_SCHEMA_PRESENT_MAX 1024

/* Builds n's name index (and required_at) once n->props and n->required are set. Returns CF_OK
 * or CF_E_NOMEM. Memory: cf_schema_free frees prop_slots and required_at. */
cf_rc cf_schema_props_index(cf_schema_node *n);
/* Index of the first property named key in n->props, or n->n_props when there is none. */
size_t cf_schema_property_at(const cf_schema_node *n, const char *key);
/* 1 when inst (an object) has every member n->required names, else 0 (the caller then finds
 * which, in order). */
int cf_schema_required_present(const cf_schema_node *n, const cJSON *inst);

struct cf_schema {
    cf_schema_node *root;
    cf_schema_node *nodes; /* all nodes, linked by next_in_list */
    cf_schema_dialect dialect;
    struct cf_schema_slot *slots; /* src -> node, for sharing ref targets */
    size_t n_slots, cap_slots;
};

/* ---- compiling (schema_compile.c, schema_compile_keywords.c, schema_compile_refs.c) ------- */

/* A $ref waiting for its target, resolved after the tree is compiled: iterating instead of
 * recursing keeps a long chain of refs off the C stack. */
typedef struct cf_schema_pending {
    cf_schema_node *from;
    const char *ref;
    struct cf_schema_pending *next;
} cf_schema_pending;

typedef struct {
    cf_schema *s;
    const cJSON *root; /* where "#" points */
    int draft4;
    cf_schema_pending *todo;
    cf_rc rc; /* sticky: CF_E_NOMEM once any allocation failed */
} cf_schema_cctx;

/* Records a keyword the validator cannot evaluate; validation reports it. */
void cf_schema_compile_problem(cf_schema_cctx *c, cf_schema_node *n, const char *keyword,
                               const char *fmt, ...) CF_PRINTF(4, 5);
/* The node of the schema src at spath: the one already compiled for src, or a new one. NULL
 * only when out of memory (c->rc says so). */
cf_schema_node *cf_schema_compile_node(cf_schema_cctx *c, const cJSON *src, const char *spath,
                                       int depth);
/* Reads every keyword of one schema object into n (schema_compile_keywords.c). */
void cf_schema_compile_keywords(cf_schema_cctx *c, cf_schema_node *n, const cJSON *src, int depth);
/* Queues from's $ref for cf_schema_ref_resolve_pending (schema_compile_refs.c). */
void cf_schema_ref_queue(cf_schema_cctx *c, cf_schema_node *from, const char *ref);
/* Resolves the queued $refs, compiling their targets (which may queue more). */
void cf_schema_ref_resolve_pending(cf_schema_cctx *c);
/* Resolves every node's discriminator mapping to branch nodes. */
void cf_schema_ref_resolve_mappings(cf_schema_cctx *c);

/* ---- validation (schema.c, schema_validate_types.c, schema_applicators.c) ---------------- */

/* The instance path as a chain on the C stack: rendered only when a violation is reported, so
 * a passing instance costs no string building. */
typedef struct cf_schema_ipath {
    const struct cf_schema_ipath *up;
    const char *key; /* NULL: an array index */
    size_t index;
} cf_schema_ipath;

typedef struct {
    cf_diags *out;    /* may be NULL: only count */
    const char *base; /* prefix of every instance path */
    size_t count;
    int quick; /* stop at the first violation: only validity matters */
    cf_schema_direction dir;
} cf_schema_vctx;

/* Counts one violation of n's keyword (NULL: the schema itself) at ip and, when v->out is
 * set, adds its message there. */
void cf_schema_violation(cf_schema_vctx *v, const cf_schema_node *n, const char *keyword,
                         const cf_schema_ipath *ip, const char *fmt, ...) CF_PRINTF(5, 6);
/* Validates inst (at ip, idepth levels down the instance, rdepth schemas deep) against n;
 * returns the number of violations it added. */
size_t cf_schema_walk(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                      const cf_schema_ipath *ip, int idepth, int rdepth);
/* Whether the instance passes n, without reporting. */
int cf_schema_passes(const cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                     const cf_schema_ipath *ip, int idepth, int rdepth);
/* JSON equality as JSON Schema means it (numbers by value, members in any order). */
int cf_schema_json_equal(const cJSON *a, const cJSON *b, int depth);

/* The keywords for one type of value (schema_validate_types.c). */
void cf_schema_check_string(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip);
void cf_schema_check_number(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip);
void cf_schema_check_object(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip, int idepth, int rdepth);
void cf_schema_check_array(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                           const cf_schema_ipath *ip, int idepth, int rdepth);
/* allOf, anyOf, oneOf, discriminator, not, if/then/else (schema_applicators.c). */
void cf_schema_check_applicators(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                                 const cf_schema_ipath *ip, int idepth, int rdepth);

/* Stops the current function at the first violation when only validity matters. */
#define CF_SCHEMA_FAIL(...)                                                                        \
    do {                                                                                           \
        cf_schema_violation(v, n, __VA_ARGS__);                                                    \
        if (v->quick)                                                                              \
            return;                                                                                \
    } while (0)

#endif
