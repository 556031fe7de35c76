/* spec.c - loads a "conform": 1 spec file into the model, reporting every problem with its
 * JSON path. Strict: unknown keys are errors, so a typo never disables a check. */
#include "contract/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "contract/schema.h"
#include "contract/spec_lint.h"

#define T_STR cJSON_String
#define T_NUM cJSON_Number
#define T_OBJ cJSON_Object
#define T_ARR cJSON_Array
#define T_BOOL (cJSON_True | cJSON_False)
#define T_NULL cJSON_NULL
#define T_ANY (T_STR | T_NUM | T_OBJ | T_ARR | T_BOOL | T_NULL)

static const char *const role_names[] = {
#define CF_ROLE_STR(e, s) s,
    CF_ROLE_MAP(CF_ROLE_STR)
#undef CF_ROLE_STR
};

const char *cf_spec_role_name(cf_role r)
{
    return (unsigned)r < CF_ROLE__COUNT ? role_names[r] : "?";
}

int cf_spec_role_from_name(const char *name)
{
    for (int i = 0; i < CF_ROLE__COUNT; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

/* Loader state: where diagnostics go and how many errors were seen. */
typedef struct {
    const char *file;
    cf_diags *diags;
    size_t errors;
    int nomem;
} loader;

#define ERR(ld, path, ...)                                                                         \
    do {                                                                                           \
        (ld)->errors++;                                                                            \
        cf_diags_add((ld)->diags, (ld)->file, (path), __VA_ARGS__);                                \
    } while (0)

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "an invalid value";
}

static const char *mask_name(int mask)
{
    switch (mask) {
    case T_STR:
        return "a string";
    case T_NUM:
        return "a number";
    case T_OBJ:
        return "an object";
    case T_ARR:
        return "an array";
    case T_BOOL:
        return "a boolean";
    default:
        return "a different type";
    }
}

/* Reports keys of `obj` not in the NULL-terminated `allowed` list. */
static void check_keys(loader *ld, const cJSON *obj, const char *path, const char *const *allowed)
{
    char p[CF_PATH_MAX];
    for (const cJSON *m = obj ? obj->child : NULL; m; m = m->next) {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, m->string) == 0;
        if (!known) {
            cf_buf list;
            cf_buf_init(&list, 1024);
            for (const char *const *a = allowed; *a; a++)
                if (cf_buf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a) != CF_OK)
                    break;
            ERR(ld, cf_diag_path_key(p, sizeof(p), path, m->string),
                "unknown key \"%s\"; allowed here: %s", m->string, cf_buf_str(&list));
            cf_buf_free(&list);
        }
    }
}

/* Fetches obj[key] and checks its type; reports a missing required member. Duplicate keys
 * are reported too, since cJSON would silently keep the first. */
static const cJSON *member(loader *ld, const cJSON *obj, const char *path, const char *key,
                           int mask, int required)
{
    char p[CF_PATH_MAX];
    if (!cJSON_IsObject(obj))
        return NULL;
    const cJSON *found = NULL;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (strcmp(m->string, key) != 0)
            continue;
        if (found) {
            ERR(ld, cf_diag_path_key(p, sizeof(p), path, key), "duplicate key \"%s\"", key);
            break;
        }
        found = m;
    }
    if (!found) {
        if (required)
            ERR(ld, path[0] ? path : "/", "missing required member \"%s\"", key);
        return NULL;
    }
    if (!(found->type & mask)) {
        ERR(ld, cf_diag_path_key(p, sizeof(p), path, key), "\"%s\" must be %s, not %s", key,
            mask_name(mask), type_name(found));
        return NULL;
    }
    return found;
}

static const char *str_member(loader *ld, const cJSON *obj, const char *path, const char *key,
                              int required)
{
    const cJSON *v = member(ld, obj, path, key, T_STR, required);
    return v ? v->valuestring : NULL;
}

/* An integer in [min, max]; returns `fallback` when absent or invalid. */
static long int_member(loader *ld, const cJSON *obj, const char *path, const char *key,
                       int required, long min, long max, long fallback)
{
    char p[CF_PATH_MAX];
    const cJSON *v = member(ld, obj, path, key, T_NUM, required);
    if (!v)
        return fallback;
    double d = v->valuedouble;
    if (!(d >= (double)min && d <= (double)max) || d != floor(d)) { /* range first: casts */
        ERR(ld, cf_diag_path_key(p, sizeof(p), path, key), "\"%s\" must be an integer in %ld..%ld",
            key, min, max);
        return fallback;
    }
    return (long)d;
}

/* Collects an array of strings into a new const char * array (borrowing the strings). */
static const char **str_array(loader *ld, const cJSON *arr, const char *path, size_t *count)
{
    char p[CF_PATH_MAX];
    *count = 0;
    if (!arr)
        return NULL;
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0)
        return NULL;
    const char **out = calloc(n, sizeof(*out));
    if (!out) {
        ld->nomem = 1;
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        if (!cJSON_IsString(e)) {
            ERR(ld, cf_diag_path_index(p, sizeof(p), path, i), "must be a string, not %s",
                type_name(e));
            continue;
        }
        out[(*count)++] = e->valuestring;
    }
    return out;
}

static int valid_name(const char *s, int allow_dots)
{
    if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (const char *c = s; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '_' || (allow_dots && (*c == '.' || *c == '-' || *c == ':'));
        if (!ok)
            return 0;
    }
    return 1;
}

static const char *pointer_member(loader *ld, const cJSON *obj, const char *path, const char *key,
                                  int required)
{
    char p[CF_PATH_MAX];
    const char *s = str_member(ld, obj, path, key, required);
    if (s && !cf_spec_lint_pointer(s)) {
        ERR(ld, cf_diag_path_key(p, sizeof(p), path, key),
            "\"%s\" is not a JSON Pointer; write it like \"/data/id\"", s);
        return NULL;
    }
    return s;
}

static void load_variables(loader *ld, cf_spec *spec, const cJSON *vars)
{
    static const char *const keys[] = {"default", "secret", "description", NULL};
    char p[CF_PATH_MAX];
    if (!vars)
        return;
    size_t n = (size_t)cJSON_GetArraySize(vars);
    if (n > CF_MAX_VARS) {
        ERR(ld, "/variables", "%zu variables; at most %u are allowed", n, CF_MAX_VARS);
        return;
    }
    spec->vars = calloc(n ? n : 1, sizeof(*spec->vars));
    if (!spec->vars) {
        ld->nomem = 1;
        return;
    }
    for (const cJSON *v = vars->child; v; v = v->next) {
        cf_diag_path_key(p, sizeof(p), "/variables", v->string);
        if (!valid_name(v->string, 0)) {
            ERR(ld, p, "variable name \"%s\" must match [A-Za-z_][A-Za-z0-9_]*", v->string);
            continue;
        }
        if (!cJSON_IsObject(v)) {
            ERR(ld, p, "a variable must be an object like {\"default\": \"...\"}, not %s",
                type_name(v));
            continue;
        }
        check_keys(ld, v, p, keys);
        cf_var *var = &spec->vars[spec->var_count++];
        var->name = v->string;
        var->default_value = str_member(ld, v, p, "default", 0);
        const cJSON *secret = member(ld, v, p, "secret", T_BOOL, 0);
        var->secret = cJSON_IsTrue(secret);
        var->description = str_member(ld, v, p, "description", 0);
    }
}

static void load_operation(loader *ld, cf_spec *spec, const cJSON *op)
{
    static const char *const keys[] = {"name", "method",      "path",    "headers", "content_types",
                                       "auth", "body_schema", "example", NULL};
    static const char *const auth_keys[] = {"header", "accept", NULL};
    const char *P = "/operation";
    if (!op)
        return;
    check_keys(ld, op, P, keys);
    spec->op.name = str_member(ld, op, P, "name", 1);
    spec->op.method = str_member(ld, op, P, "method", 1);
    if (spec->op.method && !cf_spec_lint_token(spec->op.method))
        ERR(ld, "/operation/method", "\"%s\" is not a valid HTTP method", spec->op.method);
    spec->op.path = str_member(ld, op, P, "path", 1);
    if (spec->op.path && spec->op.path[0] != '/')
        ERR(ld, "/operation/path", "the path must start with '/', got \"%s\"", spec->op.path);
    for (const char *c = spec->op.path; c && *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '#') {
            ERR(ld, "/operation/path",
                "the path holds a space, control character or '#'; percent-encode it");
            break;
        }
    spec->op.headers = member(ld, op, P, "headers", T_OBJ, 0);
    cf_spec_lint_headers(ld->file, spec->op.headers, "/operation/headers", 0, ld->diags,
                         &ld->errors);
    spec->op.content_types = str_array(ld, member(ld, op, P, "content_types", T_ARR, 1),
                                       "/operation/content_types", &spec->op.content_type_count);
    const cJSON *auth = member(ld, op, P, "auth", T_OBJ, 0);
    if (auth) {
        check_keys(ld, auth, "/operation/auth", auth_keys);
        spec->op.auth_header = str_member(ld, auth, "/operation/auth", "header", 1);
        spec->op.auth_vars = str_array(ld, member(ld, auth, "/operation/auth", "accept", T_ARR, 1),
                                       "/operation/auth/accept", &spec->op.auth_var_count);
        if (spec->op.auth_header && spec->op.auth_var_count == 0)
            ERR(ld, "/operation/auth/accept",
                "name at least one secret variable whose value is an accepted credential");
    }
    spec->op.body_schema = member(ld, op, P, "body_schema", T_OBJ, 1);
    if (spec->op.body_schema)
        ld->errors +=
            cf_schema_lint(spec->op.body_schema, ld->file, "/operation/body_schema", ld->diags);
    spec->op.example = member(ld, op, P, "example", T_ANY, 1);
}

static void load_locator(loader *ld, const cJSON *parent, const char *path, const char *key,
                         cf_locator *out)
{
    static const char *const keys[] = {"pointer", "header", NULL};
    char p[CF_PATH_MAX];
    const cJSON *loc = member(ld, parent, path, key, T_OBJ, 1);
    if (!loc)
        return;
    cf_diag_path_key(p, sizeof(p), path, key);
    check_keys(ld, loc, p, keys);
    out->pointer = pointer_member(ld, loc, p, "pointer", 0);
    out->header = str_member(ld, loc, p, "header", 0);
    if (out->header && !cf_spec_lint_token(out->header))
        ERR(ld, p, "\"%s\" is not a valid header name", out->header);
    if (!!out->pointer == !!out->header)
        ERR(ld, p, "give exactly one of \"pointer\" (in the body) or \"header\"");
}

static void load_responses(loader *ld, cf_spec *spec, const cJSON *r)
{
    static const char *const keys[] = {
        "content_type", "required_headers", "classify", "flag", "success", "error", NULL};
    static const char *const success_keys[] = {"status", "schema", NULL};
    static const char *const error_keys[] = {"schema", "code", "message", NULL};
    const char *P = "/responses";
    if (!r)
        return;
    check_keys(ld, r, P, keys);
    spec->resp.content_type = str_member(ld, r, P, "content_type", 1);
    spec->resp.required_headers =
        str_array(ld, member(ld, r, P, "required_headers", T_ARR, 0), "/responses/required_headers",
                  &spec->resp.required_header_count);
    const char *classify = str_member(ld, r, P, "classify", 1);
    if (classify && strcmp(classify, "flag") == 0) {
        spec->resp.classify = CF_CLASSIFY_FLAG;
        spec->resp.flag = pointer_member(ld, r, P, "flag", 1);
    } else if (classify && strcmp(classify, "status") == 0) {
        spec->resp.classify = CF_CLASSIFY_STATUS;
        if (member(ld, r, P, "flag", T_ANY, 0))
            ERR(ld, "/responses/flag", "\"flag\" only applies with \"classify\": \"flag\"");
    } else if (classify) {
        ERR(ld, "/responses/classify", "\"%s\" is not a classification; use \"flag\" or \"status\"",
            classify);
    }
    const cJSON *success = member(ld, r, P, "success", T_OBJ, 1);
    if (success) {
        check_keys(ld, success, "/responses/success", success_keys);
        spec->resp.success_status =
            (int)int_member(ld, success, "/responses/success", "status", 1, 200, 299, 200);
        spec->resp.success_schema = member(ld, success, "/responses/success", "schema", T_OBJ, 1);
        if (spec->resp.success_schema)
            ld->errors += cf_schema_lint(spec->resp.success_schema, ld->file,
                                         "/responses/success/schema", ld->diags);
    }
    const cJSON *error = member(ld, r, P, "error", T_OBJ, 1);
    if (error) {
        check_keys(ld, error, "/responses/error", error_keys);
        spec->resp.error_schema = member(ld, error, "/responses/error", "schema", T_OBJ, 1);
        if (spec->resp.error_schema)
            ld->errors += cf_schema_lint(spec->resp.error_schema, ld->file,
                                         "/responses/error/schema", ld->diags);
        load_locator(ld, error, "/responses/error", "code", &spec->resp.code);
        load_locator(ld, error, "/responses/error", "message", &spec->resp.message);
    }
}

static void load_errors(loader *ld, cf_spec *spec, const cJSON *e)
{
    static const char *const keys[] = {"codes", "roles", NULL};
    char p[CF_PATH_MAX];
    if (!e)
        return;
    check_keys(ld, e, "/errors", keys);
    const cJSON *codes = member(ld, e, "/errors", "codes", T_OBJ, 1);
    size_t n = codes ? (size_t)cJSON_GetArraySize(codes) : 0;
    if (codes && n == 0)
        ERR(ld, "/errors/codes", "the catalogue is empty; list every error code with its status");
    if (n) {
        spec->errors.codes = calloc(n, sizeof(*spec->errors.codes));
        if (!spec->errors.codes) {
            ld->nomem = 1;
            return;
        }
    }
    for (const cJSON *c = codes ? codes->child : NULL; c; c = c->next) {
        cf_diag_path_key(p, sizeof(p), "/errors/codes", c->string);
        double d = cJSON_IsNumber(c) ? c->valuedouble : 0;
        if (!c->string[0] || !cJSON_IsNumber(c) || !(d >= 400 && d <= 599) || d != floor(d)) {
            ERR(ld, p, "the status of code \"%s\" must be an integer HTTP error status 400..599",
                c->string);
            continue;
        }
        spec->errors.codes[spec->errors.count++] = (cf_error_code){c->string, (int)d};
    }
    const cJSON *roles = member(ld, e, "/errors", "roles", T_OBJ, 1);
    for (const cJSON *r = roles ? roles->child : NULL; r; r = r->next) {
        cf_diag_path_key(p, sizeof(p), "/errors/roles", r->string);
        int role = cf_spec_role_from_name(r->string);
        if (role < 0) {
            ERR(ld, p,
                "unknown role \"%s\"; roles are validation, auth, conflict, quota, throttle, "
                "internal",
                r->string);
            continue;
        }
        if (!cJSON_IsString(r)) {
            ERR(ld, p, "role \"%s\" must name a code of the catalogue (a string)", r->string);
            continue;
        }
        if (cf_spec_code_status(spec, r->valuestring) < 0) {
            ERR(ld, p, "role \"%s\" names \"%s\", which is not in /errors/codes", r->string,
                r->valuestring);
            continue;
        }
        spec->errors.roles[role] = r->valuestring;
    }
    if (roles && !spec->errors.roles[CF_ROLE_VALIDATION])
        ERR(ld, "/errors/roles", "missing required role \"validation\"");
    if (roles && spec->op.auth_header && !spec->errors.roles[CF_ROLE_AUTH])
        ERR(ld, "/errors/roles", "the operation has auth, so the role \"auth\" is required");
}

/* A role name given as a string member; returns its code. */
static const char *role_member(loader *ld, cf_spec *spec, const cJSON *obj, const char *path,
                               const char *key, int required)
{
    char p[CF_PATH_MAX];
    const char *name = str_member(ld, obj, path, key, required);
    if (!name)
        return NULL;
    int role = cf_spec_role_from_name(name);
    const char *code = role >= 0 ? spec->errors.roles[role] : NULL;
    if (!code)
        ERR(ld, cf_diag_path_key(p, sizeof(p), path, key),
            "\"%s\" is not a role with a code in /errors/roles", name);
    return code;
}

static void load_idempotency(loader *ld, cf_spec *spec, const cJSON *i)
{
    static const char *const keys[] = {"token",    "scope",     "parameters",  "identical",
                                       "mismatch", "in_flight", "retention_s", NULL};
    const char *P = "/idempotency";
    if (!i)
        return;
    check_keys(ld, i, P, keys);
    spec->idem.enabled = 1;
    spec->idem.token = pointer_member(ld, i, P, "token", 1);
    const char *scope = str_member(ld, i, P, "scope", 1);
    if (scope && strcmp(scope, "caller") != 0)
        ERR(ld, "/idempotency/scope", "scope \"%s\" is not supported; use \"caller\"", scope);
    spec->idem.parameters = str_array(ld, member(ld, i, P, "parameters", T_ARR, 1),
                                      "/idempotency/parameters", &spec->idem.parameter_count);
    spec->idem.identical = str_array(ld, member(ld, i, P, "identical", T_ARR, 1),
                                     "/idempotency/identical", &spec->idem.identical_count);
    spec->idem.mismatch_code = role_member(ld, spec, i, P, "mismatch", 1);
    spec->idem.in_flight_code = role_member(ld, spec, i, P, "in_flight", 0);
    spec->idem.retention_s = int_member(ld, i, P, "retention_s", 1, 1, 31L * 24 * 3600, 28800);
}

static void load_rules(loader *ld, cf_spec *spec, const cJSON *rules)
{
    static const char *const keys[] = {"id", "kind", "path", "than", NULL};
    char p[CF_PATH_MAX];
    size_t n = rules ? (size_t)cJSON_GetArraySize(rules) : 0;
    if (!n)
        return;
    spec->rules = calloc(n, sizeof(*spec->rules));
    if (!spec->rules) {
        ld->nomem = 1;
        return;
    }
    size_t idx = 0;
    for (const cJSON *r = rules->child; r; r = r->next, idx++) {
        cf_diag_path_index(p, sizeof(p), "/rules", idx);
        if (!cJSON_IsObject(r)) {
            ERR(ld, p, "a rule must be an object, not %s", type_name(r));
            continue;
        }
        check_keys(ld, r, p, keys);
        cf_api_rule rule = {0};
        rule.id = str_member(ld, r, p, "id", 1);
        const char *kind = str_member(ld, r, p, "kind", 1);
        rule.path = pointer_member(ld, r, p, "path", 1);
        rule.than = pointer_member(ld, r, p, "than", 0);
        if (kind && strcmp(kind, "after") == 0) {
            rule.kind = CF_API_RULE_AFTER;
            if (!rule.than)
                ERR(ld, p, "an \"after\" rule needs \"than\": the pointer it must be later than");
        } else if (kind && strcmp(kind, "future") == 0) {
            rule.kind = CF_API_RULE_FUTURE;
        } else if (kind) {
            ERR(ld, p, "unknown rule kind \"%s\"; use \"after\" or \"future\"", kind);
            continue;
        }
        if (rule.id && rule.path && (rule.kind != CF_API_RULE_AFTER || rule.than))
            spec->rules[spec->rule_count++] = rule;
    }
}

static void load_mock(loader *ld, cf_spec *spec, const cJSON *m)
{
    static const char *const keys[] = {"headers", "success", "error", "url_ttl_s", NULL};
    static const char *const answer_keys[] = {"headers", "body", NULL};
    const char *P = "/mock";
    if (!m)
        return;
    check_keys(ld, m, P, keys);
    spec->mock.headers = member(ld, m, P, "headers", T_OBJ, 0);
    cf_spec_lint_headers(ld->file, spec->mock.headers, "/mock/headers", 0, ld->diags, &ld->errors);
    const cJSON *s = member(ld, m, P, "success", T_OBJ, 1);
    if (s) {
        check_keys(ld, s, "/mock/success", answer_keys);
        spec->mock.success_headers = member(ld, s, "/mock/success", "headers", T_OBJ, 0);
        cf_spec_lint_headers(ld->file, spec->mock.success_headers, "/mock/success/headers", 0,
                             ld->diags, &ld->errors);
        spec->mock.success_body = member(ld, s, "/mock/success", "body", T_ANY, 1);
    }
    const cJSON *e = member(ld, m, P, "error", T_OBJ, 1);
    if (e) {
        check_keys(ld, e, "/mock/error", answer_keys);
        spec->mock.error_headers = member(ld, e, "/mock/error", "headers", T_OBJ, 0);
        cf_spec_lint_headers(ld->file, spec->mock.error_headers, "/mock/error/headers", 0,
                             ld->diags, &ld->errors);
        spec->mock.error_body = member(ld, e, "/mock/error", "body", T_ANY, 1);
    }
    spec->mock.url_ttl_s = int_member(ld, m, P, "url_ttl_s", 0, 1, 7L * 24 * 3600, 300);
}

static cf_rc load_root(loader *ld, cf_spec *spec)
{
    static const char *const keys[] = {
        "conform",     "title", "server",     "variables", "operation", "responses", "errors",
        "idempotency", "rules", "latency_ms", "mock",      "cases",     NULL};
    static const char *const server_keys[] = {"url", NULL};
    const cJSON *root = spec->root;
    if (!cJSON_IsObject(root)) {
        ERR(ld, "", "a spec must be a JSON object, not %s", type_name(root));
        return CF_E_INVALID;
    }
    const cJSON *version = member(ld, root, "", "conform", T_NUM, 1);
    if (version && version->valuedouble != 1) {
        ERR(ld, "/conform", "unsupported format version %.17g; this conform reads version 1",
            version->valuedouble);
        return CF_E_INVALID; /* a different version means different rules: stop here */
    }
    check_keys(ld, root, "", keys);
    spec->title = str_member(ld, root, "", "title", 1);
    const cJSON *server = member(ld, root, "", "server", T_OBJ, 1);
    if (server) {
        check_keys(ld, server, "/server", server_keys);
        spec->server_url = str_member(ld, server, "/server", "url", 1);
        if (spec->server_url && strncmp(spec->server_url, "http://", 7) != 0 &&
            strncmp(spec->server_url, "https://", 8) != 0)
            ERR(ld, "/server/url", "the server URL must start with http:// or https://, got \"%s\"",
                spec->server_url);
    }
    load_variables(ld, spec, member(ld, root, "", "variables", T_OBJ, 0));
    load_operation(ld, spec, member(ld, root, "", "operation", T_OBJ, 1));
    load_responses(ld, spec, member(ld, root, "", "responses", T_OBJ, 1));
    load_errors(ld, spec, member(ld, root, "", "errors", T_OBJ, 1));
    load_idempotency(ld, spec, member(ld, root, "", "idempotency", T_OBJ, 0));
    load_rules(ld, spec, member(ld, root, "", "rules", T_ARR, 0));
    spec->latency_ms = int_member(ld, root, "", "latency_ms", 1, 1, 600000, 2000);
    load_mock(ld, spec, member(ld, root, "", "mock", T_OBJ, 1));
    cf_spec_lint_auth_vars(ld->file, spec, ld->diags, &ld->errors);
    if (!ld->nomem)
        cf_spec_load_cases(ld->file, spec, member(ld, root, "", "cases", T_ARR, 1), ld->diags,
                           &ld->errors);
    if (!ld->nomem)
        cf_spec_lint_templates(ld->file, spec, ld->diags, &ld->errors);
    if (ld->nomem)
        return CF_E_NOMEM;
    return ld->errors ? CF_E_INVALID : CF_OK;
}

/* Offset of a JSON escape \u0000 (cJSON would silently cut the string there), or -1. */
static size_t nul_escape_at(const char *buf, size_t len)
{
    size_t backslashes = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\\') {
            backslashes++;
            continue;
        }
        if (backslashes % 2 == 1 && buf[i] == 'u' && len - i > 4 &&
            memcmp(buf + i + 1, "0000", 4) == 0)
            return i - 1;
        backslashes = 0;
    }
    return (size_t)-1;
}

/* Compiles the three schemas once, so every check and mock request validates without
 * compiling (a schema written in a spec file is its own resource root, dialect 2020-12). */
static cf_rc compile_schemas(cf_spec *spec)
{
    cf_schema_options opt = {CF_SCHEMA_2020_12, NULL};
    cf_rc rc = CF_OK;
    if (spec->op.body_schema)
        rc = cf_schema_compile(spec->op.body_schema, &opt, &spec->op.body_compiled);
    if (rc == CF_OK && spec->resp.success_schema)
        rc = cf_schema_compile(spec->resp.success_schema, &opt, &spec->resp.success_compiled);
    if (rc == CF_OK && spec->resp.error_schema)
        rc = cf_schema_compile(spec->resp.error_schema, &opt, &spec->resp.error_compiled);
    return rc;
}

cf_rc cf_spec_load_mem(const char *name, const char *buf, size_t len, cf_spec **out,
                       cf_diags *diags)
{
    *out = NULL;
    if (len > CF_MAX_SPEC_FILE) {
        cf_diags_add(diags, name, "", "the file is %zu bytes; a spec may be at most %u bytes", len,
                     CF_MAX_SPEC_FILE);
        return CF_E_TOO_LARGE;
    }
    cf_spec *spec = calloc(1, sizeof(*spec));
    if (!spec)
        return CF_E_NOMEM;
    size_t n = strlen(name) + 1;
    spec->file = malloc(n);
    if (!spec->file) {
        free(spec);
        return CF_E_NOMEM;
    }
    memcpy(spec->file, name, n);
    if (cf_utf8_length(buf, len) == (size_t)-1) {
        cf_diags_add(diags, name, "", "the file is not valid UTF-8; save it as UTF-8");
        cf_spec_free(spec);
        return CF_E_INVALID;
    }
    size_t nul = nul_escape_at(buf, len);
    if (nul != (size_t)-1) {
        cf_diags_add(diags, name, "",
                     "line %zu: a string holds \\u0000 (NUL), which cannot reach a request; "
                     "remove it",
                     cf_spec_line_of(buf, len, nul));
        cf_spec_free(spec);
        return CF_E_INVALID;
    }
    size_t offset = 0;
    cf_rc rc = cf_json_parse(buf, len, CF_MAX_JSON_DEPTH, &spec->root, &offset);
    if (rc != CF_OK) {
        if (rc == CF_E_TOO_DEEP)
            cf_diags_add(diags, name, "", "JSON nested deeper than %d levels", CF_MAX_JSON_DEPTH);
        else if (rc == CF_E_NOMEM)
            cf_diags_add(diags, name, "", "out of memory parsing the file");
        else
            cf_diags_add(diags, name, "",
                         "not valid JSON: parse error at byte %zu (line %zu); fix the syntax "
                         "there",
                         offset, cf_spec_line_of(buf, len, offset));
        cf_spec_free(spec);
        return rc == CF_E_NOMEM ? rc : CF_E_INVALID;
    }
    loader ld = {spec->file, diags, 0, 0};
    rc = load_root(&ld, spec);
    if (rc == CF_OK)
        rc = compile_schemas(spec);
    if (rc != CF_OK) {
        cf_spec_free(spec);
        return rc;
    }
    *out = spec;
    return CF_OK;
}

cf_rc cf_spec_load_file(const char *path, cf_spec **out, cf_diags *diags)
{
    *out = NULL;
    cf_buf b;
    char err[256];
    cf_rc rc = cf_file_read(path, CF_MAX_SPEC_FILE, &b, err, sizeof err);
    if (rc == CF_E_TOO_LARGE)
        cf_diags_add(diags, path, "", "the file is larger than %u bytes, the limit for a spec",
                     CF_MAX_SPEC_FILE);
    else if (rc != CF_OK)
        cf_diags_add(diags, path, "", "%s", err);
    if (rc != CF_OK)
        return rc;
    rc = cf_spec_load_mem(path, cf_buf_str(&b), b.len, out, diags);
    cf_buf_free(&b);
    return rc;
}

void cf_spec_free(cf_spec *spec)
{
    if (!spec)
        return;
    cf_cases_free(spec->cases, spec->case_count);
    free(spec->rules);
    free(spec->idem.parameters);
    free(spec->idem.identical);
    free(spec->errors.codes);
    free(spec->resp.required_headers);
    free(spec->op.content_types);
    free(spec->op.auth_vars);
    free(spec->vars);
    cf_schema_free(spec->op.body_compiled);
    cf_schema_free(spec->resp.success_compiled);
    cf_schema_free(spec->resp.error_compiled);
    cJSON_Delete(spec->root);
    cJSON_Delete(spec->generated);
    free(spec->file);
    free(spec);
}

int cf_spec_code_status(const cf_spec *spec, const char *code)
{
    for (size_t i = 0; code && i < spec->errors.count; i++)
        if (strcmp(spec->errors.codes[i].code, code) == 0)
            return spec->errors.codes[i].status;
    return -1;
}

const cf_var *cf_spec_var(const cf_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->var_count; i++)
        if (strcmp(spec->vars[i].name, name) == 0)
            return &spec->vars[i];
    return NULL;
}

const char *cf_spec_role_code(const cf_spec *spec, cf_role role)
{
    return (unsigned)role < CF_ROLE__COUNT ? spec->errors.roles[role] : NULL;
}
