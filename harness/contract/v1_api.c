/* v1_api.c - the cf_api of a v1 spec. Each v1 field has exactly one place in the model, so a v1
 * file behaves the same whichever consumer reads it; nothing is inferred. */
#include "contract/v1_api.h"

#include <string.h>

#define NEW(api, type, n) ((type *)cf_api_alloc((api), sizeof(type) * ((n) ? (n) : 1)))

static cf_api_role role_of_code(const cf_spec *spec, const char *code)
{
    for (int r = 0; code && r < CF_ROLE__COUNT; r++)
        if (spec->errors.roles[r] && strcmp(spec->errors.roles[r], code) == 0)
            return cf_api_role_from_name(cf_spec_role_name((cf_role)r));
    return CF_API_ROLE_NONE;
}

static cf_api_locators locators(cf_locator l)
{
    cf_api_locators out = {0};
    if (l.pointer || l.header) {
        out.at[0].pointer = l.pointer;
        out.at[0].header = l.header;
        out.count = 1;
    }
    return out;
}

static cf_rc vars_and_server(const cf_spec *spec, cf_api *api)
{
    api->vars = NEW(api, cf_api_var, spec->var_count);
    api->servers = NEW(api, cf_api_server, 1);
    if (!api->vars || !api->servers)
        return CF_E_NOMEM;
    for (size_t i = 0; i < spec->var_count; i++) {
        const cf_var *v = &spec->vars[i];
        api->vars[i] = (cf_api_var){v->name, v->default_value, v->secret, v->description};
    }
    api->var_count = spec->var_count;
    api->servers[0].url = spec->server_url;
    api->server_count = 1;
    return CF_OK;
}

static cf_rc credential(const cf_spec *spec, cf_api *api)
{
    if (!spec->op.auth_header)
        return CF_OK;
    cf_api_credential *c = NEW(api, cf_api_credential, 1);
    cf_api_security *set = NEW(api, cf_api_security, 1);
    const cf_api_credential **all = NEW(api, const cf_api_credential *, 1);
    if (!c || !set || !all)
        return CF_E_NOMEM;
    c->id = "auth";
    c->kind = CF_API_CRED_API_KEY;
    c->in = CF_API_IN_HEADER;
    c->name = spec->op.auth_header;
    c->callers = spec->op.auth_vars;
    c->caller_count = spec->op.auth_var_count;
    all[0] = c;
    *set = (cf_api_security){all, 1};
    api->credentials = c;
    api->credential_count = 1;
    api->security = set;
    api->security_count = 1;
    return CF_OK;
}

static cf_rc errors(const cf_spec *spec, cf_api *api)
{
    api->errors = NEW(api, cf_api_error, spec->errors.count);
    if (!api->errors)
        return CF_E_NOMEM;
    for (size_t i = 0; i < spec->errors.count; i++) {
        cf_api_error *e = &api->errors[i];
        e->code = spec->errors.codes[i].code;
        e->status = spec->errors.codes[i].status;
        e->role = role_of_code(spec, e->code);
        if (cf_api_schema_set(api, &e->schema, spec->resp.error_schema) != CF_OK)
            return CF_E_NOMEM;
    }
    api->error_count = spec->errors.count;
    for (int r = 0; r < CF_ROLE__COUNT; r++) {
        const char *code = spec->errors.roles[r];
        cf_api_role role = cf_api_role_from_name(cf_spec_role_name((cf_role)r));
        if (!code || role == CF_API_ROLE_NONE)
            continue;
        api->roles[role].code = code;
        api->roles[role].status = cf_spec_code_status(spec, code);
    }
    return CF_OK;
}

static cf_rc bodies(const cf_spec *spec, cf_api *api, cf_api_operation *op)
{
    size_t n = spec->op.content_type_count;
    if (!spec->op.body_schema && !spec->op.example && n == 0)
        return CF_OK;
    op->bodies = NEW(api, cf_api_media, n);
    if (!op->bodies)
        return CF_E_NOMEM;
    op->body_count = n ? n : 1;
    for (size_t i = 0; i < op->body_count; i++) {
        cf_api_media *m = &op->bodies[i];
        m->media_type = n ? spec->op.content_types[i] : "application/json";
        m->example = spec->op.example;
        if (cf_api_schema_set(api, &m->schema, spec->op.body_schema) != CF_OK)
            return CF_E_NOMEM;
    }
    op->body_required = spec->op.body_schema != NULL;
    return CF_OK;
}

static cf_rc response(cf_api *api, cf_api_response *r, cf_api_status_kind kind, int status,
                      const char *media_type, const cJSON *schema)
{
    r->kind = kind;
    r->status = status;
    r->role = CF_API_ROLE_NONE;
    if (!schema)
        return CF_OK;
    r->content = NEW(api, cf_api_media, 1);
    if (!r->content)
        return CF_E_NOMEM;
    r->content_count = 1;
    r->content[0].media_type = media_type ? media_type : "application/json";
    return cf_api_schema_set(api, &r->content[0].schema, schema);
}

static cf_rc idempotency(const cf_spec *spec, cf_api_operation *op)
{
    if (!spec->idem.enabled || !spec->idem.token)
        return CF_OK;
    cf_api_idempotency *id = &op->idem;
    id->in = CF_API_TOKEN_BODY;
    id->token = spec->idem.token;
    id->scope = CF_API_SCOPE_CALLER;
    id->must_repeat = spec->idem.parameters;
    id->must_repeat_count = spec->idem.parameter_count;
    id->identical = spec->idem.identical;
    id->identical_count = spec->idem.identical_count;
    id->mismatch_code = spec->idem.mismatch_code;
    id->mismatch_role = role_of_code(spec, spec->idem.mismatch_code);
    id->mismatch_status =
        spec->idem.mismatch_code ? cf_spec_code_status(spec, spec->idem.mismatch_code) : 0;
    id->in_flight_code = spec->idem.in_flight_code;
    id->in_flight_role = role_of_code(spec, spec->idem.in_flight_code);
    id->in_flight_status =
        spec->idem.in_flight_code ? cf_spec_code_status(spec, spec->idem.in_flight_code) : 0;
    id->retention_s = spec->idem.retention_s;
    return CF_OK;
}

static cf_rc operation(const cf_spec *spec, cf_api *api)
{
    cf_api_operation *op = NEW(api, cf_api_operation, 1);
    cf_api_response *rs = NEW(api, cf_api_response, 2);
    op->rules = NEW(api, cf_api_rule, spec->rule_count);
    if (!op || !rs || !op->rules)
        return CF_E_NOMEM;
    op->id = spec->op.name;
    op->method = spec->op.method;
    op->path = spec->op.path;
    op->send_headers = spec->op.headers;
    op->pointer = "/operation";
    cf_rc rc = bodies(spec, api, op);
    if (rc == CF_OK)
        rc = response(api, &rs[0], CF_API_STATUS_EXACT, spec->resp.success_status,
                      spec->resp.content_type, spec->resp.success_schema);
    if (rc == CF_OK)
        rc = response(api, &rs[1], CF_API_STATUS_DEFAULT, 0, spec->resp.content_type,
                      spec->resp.error_schema);
    if (rc != CF_OK)
        return rc;
    op->responses = rs;
    op->response_count = 2;
    if (spec->rule_count) /* memcpy from NULL is undefined even for 0 bytes */
        memcpy(op->rules, spec->rules, spec->rule_count * sizeof(*op->rules));
    op->rule_count = spec->rule_count;
    op->mock.answer_body = spec->mock.success_body;
    op->mock.answer_headers = spec->mock.success_headers;
    op->mock.answer_status = spec->resp.success_status;
    api->operations = op;
    api->operation_count = 1;
    return idempotency(spec, op);
}

cf_rc cf_api_from_spec(const cf_spec *spec, cf_api **out)
{
    *out = NULL;
    cf_api *api = cf_api_new(CF_API_FROM_V1, spec->file);
    if (!api)
        return CF_E_NOMEM;
    api->title = spec->title;
    api->envelope.classify =
        spec->resp.classify == CF_CLASSIFY_FLAG ? CF_API_CLASSIFY_FLAG : CF_API_CLASSIFY_STATUS;
    api->envelope.flag = spec->resp.flag;
    api->envelope.code = locators(spec->resp.code);
    api->envelope.message = locators(spec->resp.message);
    api->required_headers = spec->resp.required_headers;
    api->required_header_count = spec->resp.required_header_count;
    api->defaults.latency_ms = spec->latency_ms;
    api->defaults.request_type =
        spec->op.content_type_count ? spec->op.content_types[0] : "application/json";
    api->defaults.response_type = spec->resp.content_type;
    api->mock.headers = spec->mock.headers;
    api->mock.error_body = spec->mock.error_body;
    api->mock.error_headers = spec->mock.error_headers;
    api->mock.url_ttl_s = spec->mock.url_ttl_s;
    api->document = spec->root;
    cf_rc rc = vars_and_server(spec, api);
    if (rc == CF_OK)
        rc = credential(spec, api);
    if (rc == CF_OK)
        rc = errors(spec, api);
    if (rc == CF_OK)
        rc = operation(spec, api);
    if (rc != CF_OK) {
        cf_api_free(api);
        return rc;
    }
    *out = api;
    return CF_OK;
}
