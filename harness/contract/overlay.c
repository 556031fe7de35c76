/* overlay.c - applies an overlay file over a cf_api: variables, credentials and which
 * operations need them, error roles, latency budgets, idempotency details and mock hints. */
#include "contract/overlay.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"

#define get cJSON_GetObjectItemCaseSensitive

typedef struct {
    cf_api *api;
    const char *file;
    cf_diags *d;
    size_t errors;
} ov;

/* Records a problem at ptr and yields 0. */
#define FAIL(o, ptr, ...) ((o)->errors++, cf_diags_add((o)->d, (o)->file, (ptr), __VA_ARGS__), 0)

static const char *const top_keys[] = {"overlay",     "models",     "description", "variables",
                                       "credentials", "credential", "latency_ms",  "errors",
                                       "operations",  NULL};
static const char *const var_keys[] = {"default", "secret", "description", NULL};
static const char *const cred_keys[] = {"header", "query", "prefix", "callers", NULL};
static const char *const error_keys[] = {"role", NULL};
static const char *const op_keys[] = {"credential", "latency_ms", "idempotency", "mock", NULL};
static const char *const idem_keys[] = {
    "scope",          "must_repeat", "identical",      "mismatch_role",
    "in_flight_role", "retention_s", "replays_errors", NULL};
static const char *const mock_keys[] = {"answer",   "answer_headers", "status", "produces",
                                        "consumes", "appends",        "lists",  NULL};
static const char *const ref_keys[] = {"resource",   "in",   "where", "state",
                                       "next_state", "ends", "seeds", NULL};
static const char *const appends_keys[] = {"collection", "item", NULL};
static const char *const lists_keys[] = {"collection", "items",         "limit", "cursor",
                                         "next",       "default_limit", NULL};

static const char *at(char *buf, const char *base, const char *key)
{
    return cf_diag_path_key(buf, CF_PATH_MAX, base, key);
}

/* obj must be an object whose keys are all in `allowed`. */
static int keys(ov *o, const cJSON *obj, const char *ptr, const char *const *allowed)
{
    if (!cJSON_IsObject(obj))
        return FAIL(o, ptr, "expected an object");
    int ok = 1;
    for (const cJSON *k = obj->child; k; k = k->next) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], k->string))
            i++;
        if (allowed[i])
            continue;
        cf_buf list;
        cf_buf_init(&list, 1024);
        for (i = 0; allowed[i]; i++)
            if (cf_buf_addf(&list, "%s%s", i ? ", " : "", allowed[i]) != CF_OK)
                break;
        char p[CF_PATH_MAX];
        ok = FAIL(o, at(p, ptr, k->string), "unknown key \"%s\" (allowed: %s)", k->string,
                  cf_buf_str(&list));
        cf_buf_free(&list);
    }
    return ok;
}

static int string_of(ov *o, const cJSON *v, const char *ptr, const char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return FAIL(o, ptr, "expected a non-empty string");
    *out = v->valuestring; /* borrowed from the adopted copy */
    return 1;
}

static int number_of(ov *o, const cJSON *v, const char *ptr, double lo, double hi, long *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        return FAIL(o, ptr, "expected a whole number %.0f..%.0f", lo, hi);
    *out = (long)v->valuedouble;
    return 1;
}

static int role_of(ov *o, const cJSON *v, const char *ptr, cf_api_role *out)
{
    if (cJSON_IsNull(v))
        return *out = CF_API_ROLE_NONE, 1;
    cf_api_role r = cJSON_IsString(v) ? cf_api_role_from_name(v->valuestring) : CF_API_ROLE_NONE;
    if (r == CF_API_ROLE_NONE) {
        cf_buf list;
        cf_buf_init(&list, 512);
        for (int i = 0; i < CF_API_ROLE__COUNT; i++)
            if (cf_buf_addf(&list, "%s%s", i ? ", " : "", cf_api_role_name((cf_api_role)i)) !=
                CF_OK)
                break;
        int rc = FAIL(o, ptr, "expected a role (%s) or null", cf_buf_str(&list));
        cf_buf_free(&list);
        return rc;
    }
    *out = r;
    return 1;
}

/* A list of non-empty strings into an arena array. */
static int strings_of(ov *o, const cJSON *v, const char *ptr, const char ***out, size_t *count)
{
    if (!cJSON_IsArray(v))
        return FAIL(o, ptr, "expected a list of strings");
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    const char **items = cf_api_alloc(o->api, (n ? n : 1) * sizeof(*items));
    if (!items)
        return FAIL(o, ptr, "out of memory");
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        char p[CF_PATH_MAX];
        if (!string_of(o, e, cf_diag_path_index(p, sizeof(p), ptr, i), &items[i]))
            return 0;
    }
    *out = items;
    *count = n;
    return 1;
}

/* [A-Za-z_][A-Za-z0-9_]*: the names CONFORM_VAR_<NAME> and {$name} can carry. */
static int name_ok(const char *s)
{
    static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    return *s && !(*s >= '0' && *s <= '9') && s[strspn(s, word)] == '\0';
}

static int variables(ov *o, const cJSON *vars, const char *ptr)
{
    cf_api *api = o->api;
    if (!cJSON_IsObject(vars))
        return FAIL(o, ptr, "expected an object: variable name -> {default, secret, description}");
    size_t n = (size_t)cJSON_GetArraySize(vars);
    cf_api_var *all = cf_api_alloc(api, (api->var_count + n + 1) * sizeof(cf_api_var));
    if (!all)
        return FAIL(o, ptr, "out of memory");
    if (api->var_count)
        memcpy(all, api->vars, api->var_count * sizeof(cf_api_var));
    api->vars = all;
    int ok = 1;
    for (const cJSON *v = vars->child; v; v = v->next) {
        char p[CF_PATH_MAX], q[CF_PATH_MAX];
        at(p, ptr, v->string);
        if (!keys(o, v, p, var_keys)) {
            ok = 0;
            continue;
        }
        if (!name_ok(v->string)) {
            ok = FAIL(o, p, "a variable name is [A-Za-z_][A-Za-z0-9_]*");
            continue;
        }
        cf_api_var *var = (cf_api_var *)cf_api_var_find(api, v->string);
        if (!var)
            var = &all[api->var_count++];
        var->name = v->string;
        const cJSON *dflt = get(v, "default"), *secret = get(v, "secret");
        const cJSON *desc = get(v, "description");
        if (dflt && !string_of(o, dflt, at(q, p, "default"), &var->default_value))
            ok = 0;
        if (desc && !string_of(o, desc, at(q, p, "description"), &var->description))
            ok = 0;
        if (secret && !cJSON_IsBool(secret))
            ok = FAIL(o, at(q, p, "secret"), "expected true or false");
        var->secret = cJSON_IsTrue(secret);
    }
    return ok;
}

/* Credentials replace the inferred ones: the overlay says which header or query parameter
 * carries a caller's credential and which secret variables are the callers. */
static int credentials(ov *o, const cJSON *creds, const char *ptr)
{
    cf_api *api = o->api;
    if (!cJSON_IsObject(creds))
        return FAIL(o, ptr, "expected an object: credential id -> {header|query, prefix, callers}");
    size_t n = (size_t)cJSON_GetArraySize(creds);
    cf_api_credential *all = cf_api_alloc(api, (n ? n : 1) * sizeof(cf_api_credential));
    if (!all)
        return FAIL(o, ptr, "out of memory");
    int ok = 1;
    size_t count = 0;
    for (const cJSON *c = creds->child; c; c = c->next) {
        char p[CF_PATH_MAX], q[CF_PATH_MAX];
        at(p, ptr, c->string);
        if (!keys(o, c, p, cred_keys)) {
            ok = 0;
            continue;
        }
        cf_api_credential *cr = &all[count++];
        cr->id = c->string;
        cr->kind = CF_API_CRED_API_KEY;
        const cJSON *h = get(c, "header"), *qy = get(c, "query"), *pre = get(c, "prefix");
        const cJSON *callers = get(c, "callers");
        if (!h == !qy) {
            ok = FAIL(o, p, "give exactly one of \"header\" and \"query\"");
            continue;
        }
        cr->in = h ? CF_API_IN_HEADER : CF_API_IN_QUERY;
        if (!string_of(o, h ? h : qy, at(q, p, h ? "header" : "query"), &cr->name) ||
            (pre && !string_of(o, pre, at(q, p, "prefix"), &cr->prefix)) ||
            (callers &&
             !strings_of(o, callers, at(q, p, "callers"), &cr->callers, &cr->caller_count))) {
            ok = 0;
            continue;
        }
        for (size_t i = 0; i < cr->caller_count; i++) {
            const cf_api_var *v = cf_api_var_find(api, cr->callers[i]);
            char r[CF_PATH_MAX];
            if (!v || !v->secret)
                ok = FAIL(o, cf_diag_path_index(r, sizeof(r), q, i),
                          "caller \"%s\" is not a secret variable (declare it under "
                          "\"variables\" with \"secret\": true)",
                          cr->callers[i]);
        }
    }
    /* operations pointing at inferred credentials now point at nothing: reset them */
    for (size_t i = 0; i < api->operation_count; i++) {
        api->operations[i].security = NULL;
        api->operations[i].security_count = 0;
    }
    api->credentials = all;
    api->credential_count = count;
    return ok;
}

/* "credential": an id (that credential alone) or null (none needed), into a security list. */
static int security_of(ov *o, const cJSON *v, const char *ptr, cf_api_security **out, size_t *count,
                       int *none)
{
    if (cJSON_IsNull(v)) {
        *out = NULL;
        *count = 0;
        *none = 1;
        return 1;
    }
    const char *id = NULL;
    if (!string_of(o, v, ptr, &id))
        return 0;
    const cf_api_credential *c = cf_api_credential_find(o->api, id);
    if (!c)
        return FAIL(o, ptr, "unknown credential \"%s\" (define it under \"credentials\")", id);
    cf_api_security *sec = cf_api_alloc(o->api, sizeof(*sec));
    const cf_api_credential **all = cf_api_alloc(o->api, sizeof(*all));
    if (!sec || !all)
        return FAIL(o, ptr, "out of memory");
    all[0] = c;
    sec->all = all;
    sec->count = 1;
    *out = sec;
    *count = 1;
    *none = 0;
    return 1;
}

/* Role overrides by error code; responses and the api's role table follow. */
static int errors(ov *o, const cJSON *errs, const char *ptr)
{
    cf_api *api = o->api;
    if (!cJSON_IsObject(errs))
        return FAIL(o, ptr, "expected an object: error code -> {role}");
    int ok = 1;
    for (const cJSON *e = errs->child; e; e = e->next) {
        char p[CF_PATH_MAX], q[CF_PATH_MAX];
        at(p, ptr, e->string);
        cf_api_error *err = (cf_api_error *)cf_api_error_find(api, e->string);
        cf_api_role role;
        if (!err) {
            ok = FAIL(o, p, "unknown error code \"%s\"", e->string);
            continue;
        }
        if (!keys(o, e, p, error_keys) || !get(e, "role") ||
            !role_of(o, get(e, "role"), at(q, p, "role"), &role)) {
            ok = get(e, "role") || !cJSON_IsObject(e) ? 0 : FAIL(o, p, "\"role\" is missing");
            continue;
        }
        err->role = role;
        err->inferred = 0;
        for (size_t i = 0; i < api->operation_count; i++)
            for (size_t j = 0; j < api->operations[i].response_count; j++) {
                cf_api_response *r = &api->operations[i].responses[j];
                if (r->error_code && strcmp(r->error_code, err->code) == 0)
                    r->role = role;
            }
    }
    memset(api->roles, 0, sizeof(api->roles));
    for (size_t i = 0; i < api->error_count; i++) {
        const cf_api_error *e = &api->errors[i];
        if (e->role == CF_API_ROLE_NONE || api->roles[e->role].code)
            continue;
        api->roles[e->role].code = e->code;
        api->roles[e->role].status = e->status;
        api->roles[e->role].inferred = e->inferred;
    }
    return ok;
}

static int idempotency(ov *o, cf_api_operation *op, const cJSON *v, const char *ptr)
{
    char q[CF_PATH_MAX];
    cf_api_idempotency *id = &op->idem;
    if (!keys(o, v, ptr, idem_keys))
        return 0;
    if (id->in == CF_API_TOKEN_NONE)
        return FAIL(o, ptr, "operation %s has no idempotency token in the model", op->id);
    const cJSON *scope = get(v, "scope"), *rep = get(v, "replays_errors");
    const cJSON *ret = get(v, "retention_s");
    int ok = 1;
    if (scope) {
        if (cJSON_IsString(scope) && strcmp(scope->valuestring, "caller") == 0)
            id->scope = CF_API_SCOPE_CALLER;
        else if (cJSON_IsString(scope) && strcmp(scope->valuestring, "global") == 0)
            id->scope = CF_API_SCOPE_GLOBAL;
        else
            ok = FAIL(o, at(q, ptr, "scope"), "expected \"caller\" or \"global\"");
    }
    if (get(v, "must_repeat") && !strings_of(o, get(v, "must_repeat"), at(q, ptr, "must_repeat"),
                                             &id->must_repeat, &id->must_repeat_count))
        ok = 0;
    if (get(v, "identical") && !strings_of(o, get(v, "identical"), at(q, ptr, "identical"),
                                           &id->identical, &id->identical_count))
        ok = 0;
    if (get(v, "mismatch_role") &&
        !role_of(o, get(v, "mismatch_role"), at(q, ptr, "mismatch_role"), &id->mismatch_role))
        ok = 0;
    if (get(v, "in_flight_role") &&
        !role_of(o, get(v, "in_flight_role"), at(q, ptr, "in_flight_role"), &id->in_flight_role))
        ok = 0;
    if (ret && !number_of(o, ret, at(q, ptr, "retention_s"), 0, 31536000, &id->retention_s))
        ok = 0;
    if (rep && !cJSON_IsBool(rep))
        ok = FAIL(o, at(q, ptr, "replays_errors"), "expected true or false");
    if (rep)
        id->replays_errors = cJSON_IsTrue(rep);
    id->inferred = 0;
    return ok;
}

/* produces / consumes: [{"resource": name, "in": "body"|"header"|"path"|"query", "where"}]. */
static int refs(ov *o, const cJSON *v, const char *ptr, cf_api_resource_ref **out, size_t *count)
{
    if (!cJSON_IsArray(v))
        return FAIL(o, ptr, "expected a list of {resource, in, where}");
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    cf_api_resource_ref *all = cf_api_alloc(o->api, (n ? n : 1) * sizeof(*all));
    if (!all)
        return FAIL(o, ptr, "out of memory");
    int ok = 1;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        char p[CF_PATH_MAX], q[CF_PATH_MAX];
        cf_diag_path_index(p, sizeof(p), ptr, i);
        const char *in = NULL;
        if (!keys(o, e, p, ref_keys) ||
            !string_of(o, get(e, "resource"), at(q, p, "resource"), &all[i].resource) ||
            !string_of(o, get(e, "in"), at(q, p, "in"), &in) ||
            !string_of(o, get(e, "where"), at(q, p, "where"), &all[i].where)) {
            ok = 0;
            continue;
        }
        const cJSON *st = get(e, "state"), *next = get(e, "next_state"), *ends = get(e, "ends");
        const cJSON *seeds = get(e, "seeds");
        if ((st && !string_of(o, st, at(q, p, "state"), &all[i].state)) ||
            (next && !string_of(o, next, at(q, p, "next_state"), &all[i].next_state)) ||
            (seeds && !strings_of(o, seeds, at(q, p, "seeds"), &all[i].seeds, &all[i].seed_count)))
            ok = 0;
        if (ends && !cJSON_IsBool(ends))
            ok = FAIL(o, at(q, p, "ends"), "expected true or false");
        all[i].ends = cJSON_IsTrue(ends);
        for (size_t k = 0; k < all[i].seed_count; k++)
            if (!cf_api_var_find(o->api, all[i].seeds[k]))
                ok = FAIL(o, at(q, p, "seeds"),
                          "unknown variable \"%s\" (declare it under \"variables\")",
                          all[i].seeds[k]);
        int found = 0;
        for (int k = CF_API_IN_PATH; k <= CF_API_IN_BODY && !found; k++)
            if (strcmp(cf_api_in_name((cf_api_in)k), in) == 0)
                all[i].in = (cf_api_in)k, found = 1;
        if (!found)
            ok = FAIL(o, at(q, p, "in"),
                      "expected \"path\", \"query\", \"header\", \"cookie\" or \"body\"");
    }
    *out = all;
    *count = n;
    return ok;
}

/* appends {collection, item} / lists {collection, items, limit, cursor, next, default_limit}. */
static int collection(ov *o, const cJSON *v, const char *ptr, int lists, cf_api_mock_collection *c)
{
    char q[CF_PATH_MAX];
    if (!keys(o, v, ptr, lists ? lists_keys : appends_keys) ||
        !string_of(o, get(v, "collection"), at(q, ptr, "collection"), &c->collection))
        return 0;
    if (!lists) {
        c->item = get(v, "item");
        return c->item ? 1 : FAIL(o, ptr, "\"item\" is missing: the template of an item");
    }
    static const char *const names[] = {"items", "limit", "cursor", "next"};
    const char **fields[] = {&c->items, &c->limit, &c->cursor, &c->next};
    int ok = 1;
    for (size_t i = 0; i < 4; i++)
        if (get(v, names[i]) && !string_of(o, get(v, names[i]), at(q, ptr, names[i]), fields[i]))
            ok = 0;
    if (!c->items)
        ok = FAIL(o, ptr, "\"items\" is missing: the JSON Pointer of the answer's list");
    if (get(v, "default_limit") &&
        !number_of(o, get(v, "default_limit"), at(q, ptr, "default_limit"), 1, 10000,
                   &c->default_limit))
        ok = 0;
    return ok;
}

static int mock(ov *o, cf_api_operation *op, const cJSON *v, const char *ptr)
{
    char q[CF_PATH_MAX];
    if (!keys(o, v, ptr, mock_keys))
        return 0;
    const cJSON *st = get(v, "status"), *hd = get(v, "answer_headers");
    long status = 0;
    int ok = 1;
    op->mock.answer_body = get(v, "answer");
    if (hd && !cJSON_IsObject(hd))
        ok = FAIL(o, at(q, ptr, "answer_headers"), "expected an object: header -> template");
    op->mock.answer_headers = hd;
    if (st && number_of(o, st, at(q, ptr, "status"), 100, 599, &status))
        op->mock.answer_status = (int)status;
    else if (st)
        ok = 0;
    if (get(v, "produces") && !refs(o, get(v, "produces"), at(q, ptr, "produces"),
                                    &op->mock.produces, &op->mock.produce_count))
        ok = 0;
    if (get(v, "consumes") && !refs(o, get(v, "consumes"), at(q, ptr, "consumes"),
                                    &op->mock.consumes, &op->mock.consume_count))
        ok = 0;
    if (get(v, "appends") &&
        !collection(o, get(v, "appends"), at(q, ptr, "appends"), 0, &op->mock.appends))
        ok = 0;
    if (get(v, "lists") && !collection(o, get(v, "lists"), at(q, ptr, "lists"), 1, &op->mock.lists))
        ok = 0;
    return ok;
}

static int operations(ov *o, const cJSON *ops, const char *ptr)
{
    if (!cJSON_IsObject(ops))
        return FAIL(o, ptr, "expected an object: operation name -> settings");
    int ok = 1;
    for (const cJSON *v = ops->child; v; v = v->next) {
        char p[CF_PATH_MAX], q[CF_PATH_MAX];
        at(p, ptr, v->string);
        cf_api_operation *op = (cf_api_operation *)cf_api_operation_find(o->api, v->string);
        if (!op) {
            ok = FAIL(o, p, "unknown operation \"%s\"", v->string);
            continue;
        }
        if (!keys(o, v, p, op_keys)) {
            ok = 0;
            continue;
        }
        const cJSON *cred = get(v, "credential"), *lat = get(v, "latency_ms");
        const cJSON *idem = get(v, "idempotency"), *mk = get(v, "mock");
        if (cred && !security_of(o, cred, at(q, p, "credential"), &op->security,
                                 &op->security_count, &op->security_none))
            ok = 0;
        if (lat && !number_of(o, lat, at(q, p, "latency_ms"), 1, 3600000, &op->latency_ms))
            ok = 0;
        if (idem && !idempotency(o, op, idem, at(q, p, "idempotency")))
            ok = 0;
        if (mk && !mock(o, op, mk, at(q, p, "mock")))
            ok = 0;
    }
    return ok;
}

cf_rc cf_overlay_apply(cf_api *api, const char *file, const cJSON *overlay, cf_diags *diags)
{
    cf_diags local;
    cf_diags_init(&local);
    ov o = {.api = api, .file = file, .d = diags ? diags : &local};
    cJSON *copy = cJSON_Duplicate(overlay, 1);
    if (!copy || cf_api_adopt(api, copy) != CF_OK) {
        cf_diags_cleanup(&local);
        return CF_E_NOMEM;
    }
    int ok = keys(&o, copy, "", top_keys);
    const cJSON *ver = get(copy, "overlay"), *models = get(copy, "models");
    const cJSON *vars = get(copy, "variables"), *creds = get(copy, "credentials");
    const cJSON *cred = get(copy, "credential"), *lat = get(copy, "latency_ms");
    const cJSON *errs = get(copy, "errors"), *ops = get(copy, "operations");
    const char **names = NULL;
    size_t n = 0;
    if (ok && (!cJSON_IsNumber(ver) || ver->valuedouble != 1))
        ok = FAIL(&o, "/overlay", "expected 1 (the overlay format version)");
    if (ok && models && !strings_of(&o, models, "/models", &names, &n))
        ok = 0;
    if (ok && vars)
        ok = variables(&o, vars, "/variables");
    if (ok && creds)
        ok = credentials(&o, creds, "/credentials");
    if (ok && cred)
        ok = security_of(&o, cred, "/credential", &api->security, &api->security_count, &(int){0});
    if (ok && lat && !number_of(&o, lat, "/latency_ms", 1, 3600000, &api->defaults.latency_ms))
        ok = 0;
    if (ok && errs)
        ok = errors(&o, errs, "/errors");
    if (ok && ops)
        ok = operations(&o, ops, "/operations");
    cf_diags_cleanup(&local);
    return o.errors ? CF_E_INVALID : CF_OK;
}

int cf_overlay_names_model(const cJSON *overlay, const char *model_name)
{
    const cJSON *models = get(overlay, "models");
    for (const cJSON *m = cJSON_IsArray(models) ? models->child : NULL; m; m = m->next)
        if (cJSON_IsString(m) && strcmp(m->valuestring, model_name) == 0)
            return 1;
    return 0;
}
