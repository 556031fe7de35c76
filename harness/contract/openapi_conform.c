/* openapi_conform.c - the x-conform extensions (what OpenAPI lacks) and the inference of what a
 * document leaves out: roles from statuses, idempotency from an Idempotency-Key parameter. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contract/openapi_internal.h"

static const char *const role_keys[] = {
#define ROLE_KEY(e, s) s,
    CF_API_ROLE_MAP(ROLE_KEY)
#undef ROLE_KEY
        NULL};

static long number(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name, long max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
        v->valuedouble != (double)(long)v->valuedouble) {
        char p[CF_PATH_MAX];
        oa_problem(c, v, cf_diag_path_key(p, sizeof p, pointer, name),
                   "\"%s\" must be a whole number 0..%ld", name, max);
        return 0;
    }
    return (long)v->valuedouble;
}

/* An array of strings into an api-owned list. */
static const char **strings(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name,
                            size_t *count)
{
    *count = 0;
    const cJSON *a = oa_array(c, obj, pointer, name);
    size_t n = (size_t)cJSON_GetArraySize(a);
    const char **out = n ? cf_api_alloc(c->api, n * sizeof *out) : NULL;
    for (const cJSON *s = out ? a->child : NULL; s; s = s->next) {
        if (cJSON_IsString(s))
            out[(*count)++] = oa_strdup(c, s->valuestring);
        else
            oa_problem(c, s, pointer, "\"%s\" must hold strings", name);
    }
    return out;
}

/* "header:Name" or a JSON Pointer ("/error/code"). */
static void locator_one(oa_ctx *c, const cJSON *item, const char *where, cf_api_locators *out)
{
    if (!cJSON_IsString(item)) {
        oa_problem(c, item, where, "a locator is a string: a JSON Pointer or \"header:Name\"");
        return;
    }
    const char *s = item->valuestring;
    cf_api_locator *at = &out->at[out->count];
    if (strncmp(s, "header:", 7) == 0 && s[7])
        at->header = oa_strdup(c, s + 7);
    else if (s[0] == '/' || s[0] == '\0')
        at->pointer = oa_strdup(c, s);
    else {
        oa_problem(c, item, where, "\"%s\" must be a JSON Pointer or \"header:Name\"", s);
        return;
    }
    out->count++;
}

/* "code": "/error/code", or a list tried in order: ["header:X-Error", "/error/code"]. */
static void locator(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name,
                    cf_api_locators *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    char where[CF_PATH_MAX];
    cf_diag_path_key(where, sizeof where, pointer, name);
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        locator_one(c, v, where, out);
        return;
    }
    if (cJSON_GetArraySize(v) > CF_API_MAX_LOCATORS)
        oa_problem(c, v, where, "at most %d locators", CF_API_MAX_LOCATORS);
    size_t i = 0;
    for (const cJSON *it = v->child; it && out->count < CF_API_MAX_LOCATORS; it = it->next, i++) {
        char p[CF_PATH_MAX];
        locator_one(c, it, cf_diag_path_index(p, sizeof p, where, i), out);
    }
}

void oa_conform_vars(oa_ctx *c)
{
    cf_api *api = c->api;
    const cJSON *xc = cJSON_GetObjectItemCaseSensitive(c->root, "x-conform");
    const cJSON *vars = oa_object(c, xc, "/x-conform", "variables");
    const cJSON *comp = cJSON_GetObjectItemCaseSensitive(c->root, "components");
    size_t n =
        (size_t)cJSON_GetArraySize(vars) +
        (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(comp, "securitySchemes"));
    if (n && !(api->vars = cf_api_alloc(api, n * sizeof *api->vars))) {
        oa_problem(c, NULL, "", "out of memory");
        return;
    }
    static const char *const keys[] = {"default", "description", "secret", NULL};
    for (const cJSON *v = vars ? vars->child : NULL; v; v = v->next) {
        char p[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, "/x-conform/variables", v->string);
        oa_check_keys(c, v, p, keys);
        cf_api_var *out = &api->vars[api->var_count++];
        out->name = oa_strdup(c, v->string);
        out->default_value = oa_strdup(c, oa_string(c, v, p, "default"));
        out->description = oa_strdup(c, oa_string(c, v, p, "description"));
        out->secret = oa_bool(c, v, p, "secret", 0);
    }
}

static void errors(oa_ctx *c, const cJSON *xc)
{
    cf_api *api = c->api;
    const cJSON *errs = oa_object(c, xc, "/x-conform", "errors");
    size_t n = (size_t)cJSON_GetArraySize(errs);
    if (n && !(api->errors = cf_api_alloc(api, n * sizeof *api->errors))) {
        oa_problem(c, NULL, "", "out of memory");
        return;
    }
    static const char *const keys[] = {"role", "schema", "status", NULL};
    for (const cJSON *e = errs ? errs->child : NULL; e; e = e->next) {
        char p[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, "/x-conform/errors", e->string);
        oa_check_keys(c, e, p, keys);
        cf_api_error *out = &api->errors[api->error_count++];
        out->code = oa_strdup(c, e->string);
        out->status = (int)number(c, e, p, "status", 599);
        if (out->status < 100) {
            oa_problem(c, e, p, "error \"%.80s\" needs a \"status\" 100..599", e->string);
            out->status = 0;
        }
        const char *role = oa_string(c, e, p, "role");
        out->role = cf_api_role_from_name(role);
        if (role && out->role == CF_API_ROLE_NONE && strcmp(role, "none") != 0)
            oa_problem(c, e, p, "unknown role \"%.40s\"", role);
        if (!role) {
            out->role = cf_api_role_for_status(out->status);
            out->inferred = 1;
        }
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(e, "schema");
        if (schema && cf_api_schema_set(api, &out->schema, schema) != CF_OK)
            oa_problem(c, NULL, p, "out of memory");
    }
}

static void roles(oa_ctx *c, const cJSON *xc)
{
    const cJSON *map = oa_object(c, xc, "/x-conform", "roles");
    oa_check_keys(c, map, "/x-conform/roles", role_keys);
    for (int r = 0; map && r < CF_API_ROLE__COUNT; r++) {
        const char *code = oa_string(c, map, "/x-conform/roles", role_keys[r]);
        if (!code)
            continue;
        const cf_api_error *e = cf_api_error_find(c->api, code);
        if (!e) {
            char p[CF_PATH_MAX];
            oa_problem(c, map, cf_diag_path_key(p, sizeof p, "/x-conform/roles", role_keys[r]),
                       "code \"%.80s\" is not in x-conform/errors", code);
            continue;
        }
        c->api->roles[r].code = e->code;
        c->api->roles[r].status = e->status;
    }
}

void oa_conform_api(oa_ctx *c)
{
    cf_api *api = c->api;
    const cJSON *xc = oa_object(c, c->root, "", "x-conform");
    if (!xc)
        return;
    static const char *const keys[] = {"envelope", "errors", "latency_ms", "media_types",
                                       "mock",     "roles",  "variables",  NULL};
    oa_check_keys(c, xc, "/x-conform", keys);
    errors(c, xc);
    roles(c, xc);
    const cJSON *env = oa_object(c, xc, "/x-conform", "envelope");
    static const char *const env_keys[] = {"classify", "code", "flag", "message", NULL};
    oa_check_keys(c, env, "/x-conform/envelope", env_keys);
    const char *classify = oa_string(c, env, "/x-conform/envelope", "classify");
    if (classify && strcmp(classify, "flag") == 0) {
        api->envelope.classify = CF_API_CLASSIFY_FLAG;
        api->envelope.flag = oa_strdup(c, oa_string(c, env, "/x-conform/envelope", "flag"));
        if (!api->envelope.flag)
            oa_problem(c, env, "/x-conform/envelope", "classify \"flag\" needs \"flag\"");
    } else if (classify && strcmp(classify, "status") != 0) {
        oa_problem(c, env, "/x-conform/envelope/classify",
                   "classify must be \"status\" or \"flag\"");
    }
    locator(c, env, "/x-conform/envelope", "code", &api->envelope.code);
    locator(c, env, "/x-conform/envelope", "message", &api->envelope.message);
    api->defaults.latency_ms = number(c, xc, "/x-conform", "latency_ms", 3600000);
    const cJSON *mt = oa_object(c, xc, "/x-conform", "media_types");
    static const char *const mt_keys[] = {"request", "response", NULL};
    oa_check_keys(c, mt, "/x-conform/media_types", mt_keys);
    api->defaults.request_type =
        oa_strdup(c, oa_string(c, mt, "/x-conform/media_types", "request"));
    api->defaults.response_type =
        oa_strdup(c, oa_string(c, mt, "/x-conform/media_types", "response"));
    const cJSON *mock = oa_object(c, xc, "/x-conform", "mock");
    static const char *const mock_keys[] = {"error_body", "error_headers", "headers", NULL};
    oa_check_keys(c, mock, "/x-conform/mock", mock_keys);
    api->mock.headers = oa_object(c, mock, "/x-conform/mock", "headers");
    api->mock.error_body = cJSON_GetObjectItemCaseSensitive(mock, "error_body");
    api->mock.error_headers = oa_object(c, mock, "/x-conform/mock", "error_headers");
}

/* "validation" or {"role", "status", "code"} for the mismatch / in-flight answers. */
static void answer(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name,
                   cf_api_role *role, int *status, const char **code)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    char p[CF_PATH_MAX];
    cf_diag_path_key(p, sizeof p, pointer, name);
    if (!v)
        return;
    const char *r = cJSON_IsString(v) ? v->valuestring : NULL;
    if (cJSON_IsObject(v)) {
        static const char *const keys[] = {"code", "role", "status", NULL};
        oa_check_keys(c, v, p, keys);
        r = oa_string(c, v, p, "role");
        *status = (int)number(c, v, p, "status", 599);
        *code = oa_strdup(c, oa_string(c, v, p, "code"));
    } else if (!r) {
        oa_problem(c, v, p, "\"%s\" must be a role name or an object", name);
        return;
    }
    if (r && (*role = cf_api_role_from_name(r)) == CF_API_ROLE_NONE)
        oa_problem(c, v, p, "unknown role \"%.40s\"", r);
}

static void idempotency(oa_ctx *c, cf_api_idempotency *id, const cJSON *x, const char *p)
{
    static const char *const keys[] = {"identical",   "in_flight",      "mismatch",
                                       "must_repeat", "replays_errors", "retention_s",
                                       "scope",       "token",          NULL};
    oa_check_keys(c, x, p, keys);
    const char *tok = oa_string(c, x, p, "token");
    if (!tok) {
        oa_problem(c, x, p,
                   "idempotency needs \"token\" (\"header:Name\", \"query:name\" or "
                   "a JSON Pointer into the body)");
        return;
    }
    if (strncmp(tok, "header:", 7) == 0) {
        id->in = CF_API_TOKEN_HEADER;
        id->token = oa_strdup(c, tok + 7);
    } else if (strncmp(tok, "query:", 6) == 0) {
        id->in = CF_API_TOKEN_QUERY;
        id->token = oa_strdup(c, tok + 6);
    } else {
        id->in = CF_API_TOKEN_BODY;
        id->token = oa_strdup(c, tok);
    }
    const char *scope = oa_string(c, x, p, "scope");
    id->scope = scope && strcmp(scope, "global") == 0 ? CF_API_SCOPE_GLOBAL : CF_API_SCOPE_CALLER;
    if (scope && strcmp(scope, "global") != 0 && strcmp(scope, "caller") != 0)
        oa_problem(c, x, p, "scope must be \"caller\" or \"global\"");
    id->must_repeat = strings(c, x, p, "must_repeat", &id->must_repeat_count);
    id->identical = strings(c, x, p, "identical", &id->identical_count);
    id->mismatch_role = CF_API_ROLE_VALIDATION;
    id->mismatch_status = 422;
    id->in_flight_role = CF_API_ROLE_CONFLICT;
    id->in_flight_status = 409;
    answer(c, x, p, "mismatch", &id->mismatch_role, &id->mismatch_status, &id->mismatch_code);
    answer(c, x, p, "in_flight", &id->in_flight_role, &id->in_flight_status, &id->in_flight_code);
    id->retention_s = number(c, x, p, "retention_s", 365L * 86400L);
    id->replays_errors = oa_bool(c, x, p, "replays_errors", 1);
}

/* {"resource": "where"} pairs: where is a JSON Pointer (body) or "path:", "query:",
 * "header:" and a name. */
static cf_api_resource_ref *resources(oa_ctx *c, const cJSON *obj, const char *pointer,
                                      const char *name, size_t *count)
{
    *count = 0;
    const cJSON *map = oa_object(c, obj, pointer, name);
    size_t n = (size_t)cJSON_GetArraySize(map);
    cf_api_resource_ref *out = n ? cf_api_alloc(c->api, n * sizeof *out) : NULL;
    static const char *const ins[] = {"path:", "query:", "header:"};
    static const cf_api_in in_of[] = {CF_API_IN_PATH, CF_API_IN_QUERY, CF_API_IN_HEADER};
    for (const cJSON *r = out ? map->child : NULL; r; r = r->next) {
        char p[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, pointer, name);
        cf_diag_path_key(p, sizeof p, p, r->string);
        if (!cJSON_IsString(r)) {
            oa_problem(c, r, p, "a resource's place must be a string");
            continue;
        }
        cf_api_resource_ref *ref = &out[(*count)++];
        ref->resource = oa_strdup(c, r->string);
        ref->in = CF_API_IN_BODY;
        ref->where = oa_strdup(c, r->valuestring);
        for (size_t i = 0; i < 3; i++)
            if (strncmp(r->valuestring, ins[i], strlen(ins[i])) == 0) {
                ref->in = in_of[i];
                ref->where = oa_strdup(c, r->valuestring + strlen(ins[i]));
            }
    }
    return out;
}

void oa_conform_operation(oa_ctx *c, cf_api_operation *op, const cJSON *xc, const char *pointer)
{
    static const char *const keys[] = {"idempotency", "latency_ms", "mock", NULL};
    if (!cJSON_IsObject(xc)) {
        oa_problem(c, xc, pointer, "x-conform must be an object");
        return;
    }
    oa_check_keys(c, xc, pointer, keys);
    op->latency_ms = number(c, xc, pointer, "latency_ms", 3600000);
    char p[CF_PATH_MAX];
    const cJSON *idem = oa_object(c, xc, pointer, "idempotency");
    if (idem)
        idempotency(c, &op->idem, idem, cf_diag_path_key(p, sizeof p, pointer, "idempotency"));
    const cJSON *mock = oa_object(c, xc, pointer, "mock");
    if (!mock)
        return;
    cf_diag_path_key(p, sizeof p, pointer, "mock");
    static const char *const mock_keys[] = {"answer",   "consumes", "headers",
                                            "produces", "status",   NULL};
    oa_check_keys(c, mock, p, mock_keys);
    op->mock.answer_body = cJSON_GetObjectItemCaseSensitive(mock, "answer");
    op->mock.answer_headers = oa_object(c, mock, p, "headers");
    op->mock.answer_status = (int)number(c, mock, p, "status", 599);
    op->mock.produces = resources(c, mock, p, "produces", &op->mock.produce_count);
    op->mock.consumes = resources(c, mock, p, "consumes", &op->mock.consume_count);
}

void oa_infer(oa_ctx *c)
{
    cf_api *api = c->api;
    for (size_t i = 0; i < api->operation_count; i++) {
        cf_api_operation *op = &api->operations[i];
        for (size_t r = 0; r < op->response_count; r++) {
            cf_api_response *resp = &op->responses[r];
            if (resp->role == CF_API_ROLE_NONE || resp->kind != CF_API_STATUS_EXACT)
                continue;
            if (!api->roles[resp->role].status) {
                api->roles[resp->role].status = resp->status;
                api->roles[resp->role].inferred = 1;
            }
            if (resp->error_code && !api->roles[resp->role].code)
                api->roles[resp->role].code = resp->error_code;
        }
        const cf_api_param *key = cf_api_param_find(op, CF_API_IN_HEADER, "Idempotency-Key");
        if (op->idem.in == CF_API_TOKEN_NONE && key) {
            /* The IETF draft (httpapi-idempotency-key-header): the first result is replayed,
             * success or error; another payload under the key is 422; one in flight is 409. */
            op->idem = (cf_api_idempotency){
                .in = CF_API_TOKEN_HEADER,
                .token = key->name,
                .scope = CF_API_SCOPE_CALLER,
                .mismatch_role = CF_API_ROLE_VALIDATION,
                .mismatch_status = 422,
                .in_flight_role = CF_API_ROLE_CONFLICT,
                .in_flight_status = 409,
                .replays_errors = 1,
                .inferred = 1,
            };
        }
    }
    for (size_t e = 0; e < api->error_count; e++) {
        const cf_api_error *err = &api->errors[e];
        if (err->role != CF_API_ROLE_NONE && !api->roles[err->role].code) {
            api->roles[err->role].code = err->code;
            api->roles[err->role].status = err->status;
            api->roles[err->role].inferred = err->inferred;
        }
    }
    if (!api->defaults.request_type)
        api->defaults.request_type = "application/json";
}
