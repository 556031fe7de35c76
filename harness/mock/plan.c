/* plan.c - what the mock works out once at start: the variables and callers, each operation's
 * success status and answer (template, example or a value synthesised from the schema), the
 * fault codes, the seeded resources, and a dry run of every template. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/str.h"
#include "base/uuid.h"
#include "gen/gen.h"
#include "mock/internal.h"

/* The variables: the options' values, else the contract's defaults; a variable the contract
 * declares secret is masked even when the caller did not say so. */
static cf_rc variables(cf_mock *m, const cf_mock_opts *opts)
{
    const cf_api *api = m->api;
    const cf_bindings *vars = cf_secrets_vars(opts->secrets);
    for (size_t i = 0; vars && i < vars->count; i++) {
        const cf_api_var *v = cf_api_var_find(api, vars->items[i].name);
        if (cf_secrets_set(&m->secrets, vars->items[i].name, vars->items[i].value,
                           vars->items[i].secret || (v && v->secret)) != CF_OK)
            return CF_E_NOMEM;
    }
    for (size_t i = 0; i < api->var_count; i++) {
        const cf_api_var *v = &api->vars[i];
        if (!v->default_value || cf_secrets_get(&m->secrets, v->name))
            continue;
        if (cf_secrets_set(&m->secrets, v->name, v->default_value, v->secret) != CF_OK)
            return CF_E_NOMEM;
    }
    return CF_OK;
}

/* Every secret variable a credential names as a caller, once, with its value. */
static cf_rc callers(cf_mock *m)
{
    const cf_api *api = m->api;
    size_t total = 0;
    for (size_t i = 0; i < api->credential_count; i++)
        total += api->credentials[i].caller_count;
    m->caller_names = calloc(total + 1, sizeof(*m->caller_names));
    m->caller_values = calloc(total + 1, sizeof(*m->caller_values));
    if (!m->caller_names || !m->caller_values)
        return CF_E_NOMEM;
    for (size_t i = 0; i < api->credential_count; i++)
        for (size_t j = 0; j < api->credentials[i].caller_count; j++) {
            const char *name = api->credentials[i].callers[j];
            size_t k = 0;
            while (k < m->caller_count && strcmp(m->caller_names[k], name) != 0)
                k++;
            if (k < m->caller_count)
                continue;
            const char *value = cf_secrets_get(&m->secrets, name);
            m->caller_names[k] = name;
            if (value && value[0] && !(m->caller_values[k] = cf_strdup(value)))
                return CF_E_NOMEM;
            m->caller_count++;
        }
    m->callers = calloc(m->caller_count + 1, sizeof(*m->callers));
    return m->callers ? CF_OK : CF_E_NOMEM;
}

static int success_status(const cf_api_operation *op)
{
    if (op->mock.answer_status)
        return op->mock.answer_status;
    for (size_t i = 0; i < op->response_count; i++)
        if (op->responses[i].kind == CF_API_STATUS_EXACT && op->responses[i].status >= 200 &&
            op->responses[i].status < 300)
            return op->responses[i].status;
    return 200;
}

/* A valid value of `schema`: the generator's minimal instance. NULL when it finds none. */
static cJSON *synthesise(const cf_api *api, const cJSON *schema)
{
    cf_gen_options opt = {.seed = 1,
                          .max_items = 1,
                          .dialect = api->schema_options.dialect,
                          .document = api->schema_options.document,
                          .direction = CF_SCHEMA_RESPONSE,
                          .no_negative = 1};
    cf_gen_request req = {.body_schema = schema};
    cf_gen_list list = {0};
    cJSON *value = NULL;
    if (cf_gen_request_items(&req, &opt, &list) == CF_OK)
        value = cJSON_DetachItemFromObjectCaseSensitive(list.base, "body");
    cf_gen_list_cleanup(&list);
    return value;
}

static int ascii_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* {$size} reads the first top-level request member whose name says "size" and that the
 * schema or the example types as a number. */
static void find_size_member(const cf_api_operation *op, op_plan *p)
{
    const cf_api_media *b = op->body_count ? &op->bodies[0] : NULL;
    const cJSON *props = b ? cJSON_GetObjectItemCaseSensitive(b->schema.json, "properties") : NULL;
    const cJSON *sources[2] = {props, b ? b->example : NULL};
    for (size_t s = 0; s < 2; s++) {
        if (!cJSON_IsObject(sources[s]))
            continue;
        for (const cJSON *e = sources[s]->child; e; e = e->next) {
            if (!e->string || !ascii_contains_ci(e->string, "size"))
                continue;
            if (s == 1 && !cJSON_IsNumber(e))
                continue;
            if (s == 0) {
                const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
                if (!cJSON_IsString(type) || (strcmp(type->valuestring, "integer") != 0 &&
                                              strcmp(type->valuestring, "number") != 0))
                    continue;
            }
            cf_diag_path_key(p->size_pointer, sizeof(p->size_pointer), "", e->string);
            return;
        }
    }
}

/* Some documents write an example's value as {"$ref": "#/components/examples/x"} (GitHub's
 * does): literal JSON by the letter, but no client expects that answer. Such a value is
 * followed, to the target's "value" when it is an Example Object. */
static const cJSON *example_value(const cf_api *api, const cJSON *v)
{
    for (int hops = 0; hops < 4 && cJSON_IsObject(v) && v->child && !v->child->next; hops++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
        const char *why = NULL;
        const cJSON *doc =
            api->schema_options.document ? api->schema_options.document : api->document;
        const cJSON *to = cJSON_IsString(ref) && ref->valuestring[0] == '#' && doc
                              ? cf_json_ref(doc, ref->valuestring, &why)
                              : NULL;
        if (!to)
            break;
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(to, "value");
        v = value ? value : to;
    }
    return v;
}

static cf_rc plan_op(const cf_api *api, const cf_api_operation *op, int any_produces, op_plan *p)
{
    p->status = success_status(op);
    p->creates = op->mock.produce_count > 0 || !any_produces;
    p->content_type =
        api->defaults.response_type ? api->defaults.response_type : "application/json";
    find_size_member(op, p);
    const cf_api_response *r = cf_api_response_for(op, p->status);
    const cf_api_media *media = r && r->content_count ? &r->content[0] : NULL;
    if (!media)
        return CF_OK;
    if (!strchr(media->media_type, '*'))
        p->content_type = media->media_type;
    if (op->mock.answer_body)
        return CF_OK;
    const cJSON *example = media->example;
    if (!example && cJSON_IsObject(media->examples) && media->examples->child)
        example = media->examples->child;
    example = example_value(api, example);
    if (example)
        p->body = cJSON_Duplicate(example, 1);
    else if (media->schema.json)
        p->body = synthesise(api, media->schema.json);
    if (!p->body)
        p->body = cJSON_CreateObject();
    return p->body ? CF_OK : CF_E_NOMEM;
}

/* For each error response the envelope would not fit (its schema refuses a sample envelope),
 * a body that does: its example, else a synthesised value. */
static cf_rc error_bodies(const cf_mock *m, const cf_api_operation *op, op_plan *p)
{
    if (m->api->mock.error_body || !op->response_count)
        return CF_OK;
    p->error_bodies = calloc(op->response_count, sizeof(*p->error_bodies));
    if (!p->error_bodies)
        return CF_E_NOMEM;
    for (size_t i = 0; i < op->response_count; i++) {
        const cf_api_response *r = &op->responses[i];
        const cf_api_media *media = r->content_count ? &r->content[0] : NULL;
        int error = r->kind == CF_API_STATUS_DEFAULT ||
                    (r->kind == CF_API_STATUS_RANGE && r->status >= 4) ||
                    (r->kind == CF_API_STATUS_EXACT && r->status >= 400);
        if (!error || !media || !media->schema.compiled)
            continue;
        outcome o;
        memset(&o, 0, sizeof(o));
        o.op = op;
        o.error = 1;
        o.role = r->role;
        o.code = r->error_code;
        snprintf(o.message, sizeof(o.message), "sample");
        cf_headers h = {0};
        cJSON *sample = NULL;
        cf_rc rc = cf_mock_error_envelope(m, &o, &h, &sample);
        int fits = rc == CF_OK && cf_schema_accepts(media->schema.compiled, sample);
        cJSON_Delete(sample);
        cf_headers_cleanup(&h);
        if (rc != CF_OK)
            return rc;
        if (fits)
            continue;
        const cJSON *example = example_value(m->api, media->example);
        p->error_bodies[i] =
            example ? cJSON_Duplicate(example, 1) : synthesise(m->api, media->schema.json);
    }
    return CF_OK;
}

/* The code, status and role of the error-rate fault. */
static cf_rc fault_code(cf_mock *m, char *err, size_t errlen)
{
    const char *want = m->faults.error_code;
    m->fault_role = CF_API_ROLE_INTERNAL;
    if (m->faults.error_rate <= 0 || !want[0])
        return CF_OK;
    cf_api_role role = cf_api_role_from_name(want);
    if (role != CF_API_ROLE_NONE) {
        m->fault_role = role;
        return CF_OK;
    }
    const cf_api_error *e = cf_api_error_find(m->api, want);
    if (!e) {
        snprintf(err, errlen,
                 "fault error-rate: '%s' is neither a code of the contract's error catalogue nor "
                 "a role (validation, auth, not-found, conflict, quota, throttle, internal)",
                 want);
        return CF_E_USAGE;
    }
    m->fault_code = e->code;
    m->fault_status = e->status ? e->status : 500;
    m->fault_role = e->role != CF_API_ROLE_NONE ? e->role : CF_API_ROLE_INTERNAL;
    return CF_OK;
}

/* Ids some variables name from the start (a view token nobody creates), usable by everyone. */
static cf_rc seeds(cf_mock *m)
{
    const cf_api *api = m->api;
    for (size_t i = 0; i < api->operation_count; i++)
        for (size_t j = 0; j < api->operations[i].mock.consume_count; j++) {
            const cf_api_resource_ref *ref = &api->operations[i].mock.consumes[j];
            for (size_t k = 0; k < ref->seed_count; k++) {
                const char *v = cf_secrets_get(&m->secrets, ref->seeds[k]);
                if (v && v[0] &&
                    cf_mock_state_add(m->state, ref->resource, v, SIZE_MAX, NULL, NULL, NULL) !=
                        CF_OK)
                    return CF_E_NOMEM;
            }
        }
    return CF_OK;
}

/* Expands every template once with a sample outcome, so a broken template fails the start
 * rather than every request. */
static cf_rc dry_run(cf_mock *m, char *err, size_t errlen)
{
    const cf_api *api = m->api;
    for (size_t i = 0; i <= api->operation_count; i++) {
        outcome o;
        memset(&o, 0, sizeof(o));
        snprintf(o.id, sizeof(o.id), "dry-run");
        o.role = CF_API_ROLE_NONE;
        const cJSON *tmpls[3] = {NULL, NULL, NULL};
        const char *what[3] = {"answer", "appended item", "error answer"};
        if (i < api->operation_count) {
            o.op = &api->operations[i];
            o.plan = &m->plans[i];
            o.status = o.plan->status;
            tmpls[0] = o.op->mock.answer_body;
            tmpls[1] = o.op->mock.appends.item;
        } else {
            tmpls[2] = api->mock.error_body;
            o.error = 1;
            o.role = CF_API_ROLE_VALIDATION;
            snprintf(o.message, sizeof(o.message), "dry run");
        }
        for (size_t t = 0; t < 3; t++) {
            cJSON *doc = NULL;
            char why[CF_ERR_MAX] = "";
            cf_rc rc = tmpls[t] ? cf_mock_expand(m, &o, tmpls[t], &doc, why, sizeof(why)) : CF_OK;
            cJSON_Delete(doc);
            if (rc == CF_OK)
                continue;
            snprintf(err, errlen, "%s: %s%s: the mock's %s template does not expand: %s",
                     api->file ? api->file : "contract", o.op ? "operation " : "",
                     o.op ? o.op->id : "", what[t], why[0] ? why : cf_strerror(rc));
            return rc == CF_E_NOMEM ? rc : CF_E_INVALID;
        }
    }
    return CF_OK;
}

cf_rc cf_mock_plan(cf_mock *m, const cf_mock_opts *opts, char *err, size_t errlen)
{
    const cf_api *api = m->api;
    cf_rc rc = variables(m, opts);
    if (rc == CF_OK)
        rc = callers(m);
    if (rc != CF_OK)
        return rc;
    m->plans = calloc(api->operation_count + 1, sizeof(*m->plans));
    if (!m->plans)
        return CF_E_NOMEM;
    for (size_t i = 0; i < api->operation_count && !m->request_id_header; i++)
        for (size_t j = 0; j < api->operations[i].response_count; j++)
            for (size_t k = 0; k < api->operations[i].responses[j].header_count; k++) {
                const cf_api_header *h = &api->operations[i].responses[j].headers[k];
                if (h->required && cf_mock_names_request_id(h->name))
                    m->request_id_header = h->name;
            }
    int any_produces = 0;
    for (size_t i = 0; i < api->operation_count; i++)
        any_produces |= api->operations[i].mock.produce_count > 0;
    for (size_t i = 0; i < api->operation_count; i++) {
        const cf_api_operation *op = &api->operations[i];
        if ((rc = plan_op(api, op, any_produces, &m->plans[i])) != CF_OK ||
            (rc = error_bodies(m, op, &m->plans[i])) != CF_OK)
            return rc;
        /* a listed page is put into the answer as a tree (answer.c put_page) */
        m->plans[i].direct = op->mock.answer_body && !op->mock.lists.collection &&
                             cf_mock_direct_ok(op->mock.answer_body);
    }
    m->error_direct = api->mock.error_body && cf_mock_direct_ok(api->mock.error_body);
    m->faults = opts->faults;
    if ((rc = fault_code(m, err, errlen)) != CF_OK)
        return rc;
    uint64_t seed = opts->seed;
    if (!opts->seed_set) {
        char hex[17];
        cf_random_hex(hex, 16);
        seed = strtoull(hex, NULL, 16);
    }
    m->prng = seed;
    long retention = DEFAULT_RETENTION_S;
    for (size_t i = 0; i < api->operation_count; i++)
        if (api->operations[i].idem.retention_s > retention)
            retention = api->operations[i].idem.retention_s;
    size_t cap = opts->idem_capacity ? opts->idem_capacity : CF_MOCK_DEFAULT_IDEM_CAPACITY;
    if ((rc = cf_mock_store_new(cap, (double)retention * 1000.0, &m->store)) != CF_OK ||
        (rc = cf_mock_state_new(cap, &m->state)) != CF_OK || (rc = seeds(m)) != CF_OK)
        return rc;
    if ((rc = dry_run(m, err, errlen)) != CF_OK)
        return rc;
    for (size_t i = 0; i < api->operation_count; i++)
        if (m->plans[i].direct && (rc = cf_mock_compile(m, api->operations[i].mock.answer_body,
                                                        &m->plans[i].compiled)) != CF_OK)
            return rc;
    return m->error_direct ? cf_mock_compile(m, api->mock.error_body, &m->error_compiled) : CF_OK;
}

void cf_mock_plan_free(cf_mock *m)
{
    for (size_t i = 0; m->plans && i < m->api->operation_count; i++) {
        cJSON_Delete(m->plans[i].body);
        for (size_t j = 0; m->plans[i].error_bodies && j < m->api->operations[i].response_count;
             j++)
            cJSON_Delete(m->plans[i].error_bodies[j]);
        free(m->plans[i].error_bodies);
        cf_mock_compiled_free(m->plans[i].compiled);
    }
    free(m->plans);
    cf_mock_compiled_free(m->error_compiled);
    for (size_t i = 0; m->caller_values && i < m->caller_count; i++)
        free(m->caller_values[i]);
    free(m->caller_values);
    free(m->caller_names);
    free(m->callers);
    cf_mock_store_free(m->store);
    cf_mock_state_free(m->state);
}
