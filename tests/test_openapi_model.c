/* test_openapi_model.c - what the OpenAPI loader puts in cf_api: servers, credentials,
 * parameters, bodies, responses, x-conform, inference; and the model's lookups. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "contract/openapi.h"

static cf_api *load_yaml(const char *text)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_mem("m.yaml", text, strlen(text), &api, &d);
    cr_assert_eq(rc, CF_OK, "%s: %s: %s", cf_err_name(rc), d.count ? d.items[0].path : "-",
                 d.count ? d.items[0].message : "-");
    cf_diags_cleanup(&d);
    return api;
}

static void refused(const char *text, const char *want)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cr_assert_eq(cf_openapi_load_mem("m.yaml", text, strlen(text), &api, &d), CF_E_INVALID);
    int found = 0;
    for (size_t i = 0; i < d.count; i++)
        found |= strstr(d.items[i].message, want) != NULL;
    cr_assert(found, "no problem says \"%s\" (first: %s)", want,
              d.count ? d.items[0].message : "none");
    cf_diags_cleanup(&d);
}

#define HEAD "openapi: 3.0.3\ninfo: {title: Pets, version: '2'}\n"

Test(openapi_model, title_version_and_servers_with_variables, .timeout = 10)
{
    cf_api *api = load_yaml(HEAD "servers:\n  - url: https://{region}.example.com/{base}\n"
                                 "    variables:\n      region: {default: eu, enum: [eu, us]}\n"
                                 "      base: {default: v1}\n  - url: http://localhost\n"
                                 "paths: {}\n");
    cr_assert_str_eq(api->title, "Pets");
    cr_assert_str_eq(api->version, "2");
    cr_assert_eq(api->source, CF_API_FROM_OPENAPI_30);
    cr_assert_eq(api->server_count, 2);
    cr_assert_str_eq(api->servers[0].url, "https://{region}.example.com/{base}");
    cr_assert_eq(api->servers[0].var_count, 2);
    cr_assert_str_eq(api->servers[0].vars[0].name, "region");
    cr_assert_str_eq(api->servers[0].vars[0].default_value, "eu");
    cr_assert_eq(api->servers[0].vars[0].enum_count, 2);
    cr_assert_str_eq(api->servers[0].vars[0].enum_values[1], "us");
    cr_assert_eq(api->operation_count, 0);
    cf_api_free(api);
}

Test(openapi_model, security_schemes_become_credentials_with_callers, .timeout = 10)
{
    cf_api *api = load_yaml(
        HEAD "components:\n  securitySchemes:\n"
             "    key: {type: apiKey, in: header, name: X-Api-Key}\n"
             "    q: {type: apiKey, in: query, name: token}\n"
             "    bearer: {type: http, scheme: bearer, x-conform: {callers: [alice, bob]}}\n"
             "    basic: {type: http, scheme: basic}\n"
             "    oauth: {type: oauth2, flows: {}}\n"
             "security: [{key: []}, {bearer: [], q: []}]\n"
             "paths:\n  /open:\n    get: {security: [], responses: {'200': {description: ok}}}\n"
             "  /closed:\n    get: {responses: {'200': {description: ok}}}\n");
    cr_assert_eq(api->credential_count, 5);
    const cf_api_credential *k = cf_api_credential_find(api, "key");
    cr_assert_eq(k->kind, CF_API_CRED_API_KEY);
    cr_assert_eq(k->in, CF_API_IN_HEADER);
    cr_assert_str_eq(k->name, "X-Api-Key");
    cr_assert(k->inferred);
    cr_assert_eq(k->caller_count, 1);
    const cf_api_var *v = cf_api_var_find(api, k->callers[0]);
    cr_assert_not_null(v);
    cr_assert(v->secret);
    cr_assert_eq(cf_api_credential_find(api, "q")->in, CF_API_IN_QUERY);
    const cf_api_credential *b = cf_api_credential_find(api, "bearer");
    cr_assert_eq(b->kind, CF_API_CRED_BEARER);
    cr_assert_str_eq(b->prefix, "Bearer ");
    cr_assert_str_eq(b->name, "Authorization");
    cr_assert_eq(b->caller_count, 2);
    cr_assert_str_eq(b->callers[1], "bob");
    cr_assert_not(b->inferred);
    cr_assert_eq(cf_api_credential_find(api, "basic")->kind, CF_API_CRED_BASIC);
    cr_assert_eq(cf_api_credential_find(api, "oauth")->kind, CF_API_CRED_BEARER);
    cr_assert_eq(api->security_count, 2);
    cr_assert_eq(api->security[1].count, 2);
    const cf_api_operation *open = cf_api_operation_find(api, "GET /open");
    cr_assert(open->security_none);
    const cf_api_operation *closed = cf_api_operation_find(api, "GET /closed");
    cr_assert_not(closed->security_none);
    cr_assert_eq(closed->security_count, 0, "inherits the api's");
    cf_api_free(api);
}

Test(openapi_model, unsupported_auth_is_refused_naming_it, .timeout = 10)
{
    refused(HEAD "components:\n  securitySchemes:\n    d: {type: http, scheme: digest}\n"
                 "paths: {}\n",
            "http auth scheme \"digest\" is not supported");
    refused(HEAD "components:\n  securitySchemes:\n    m: {type: mutualTLS}\npaths: {}\n",
            "\"mutualTLS\" is not supported");
    refused(HEAD "paths:\n  /a:\n    get: {security: [{nope: []}], responses: {}}\n",
            "security scheme \"nope\" is not in components/securitySchemes");
}

Test(openapi_model, parameters_with_places_styles_and_overrides, .timeout = 10)
{
    cf_api *api = load_yaml(
        HEAD "paths:\n  /posts/{id}:\n    parameters:\n"
             "      - {name: id, in: path, required: true, schema: {type: string}}\n"
             "      - {name: limit, in: query, schema: {type: integer}}\n"
             "    get:\n      operationId: getPost\n      parameters:\n"
             "        - {name: limit, in: query, required: true, schema: {type: integer}}\n"
             "        - {name: tags, in: query, style: form, explode: false,"
             " schema: {type: array}}\n"
             "        - {name: X-Trace, in: header, example: abc}\n"
             "        - {name: Accept, in: header}\n"
             "        - {name: f, in: query, style: deepObject}\n"
             "        - {name: s, in: cookie}\n"
             "      responses: {'200': {description: ok}}\n");
    const cf_api_operation *op = cf_api_operation_find(api, "getPost");
    cr_assert_str_eq(op->method, "GET");
    cr_assert_str_eq(op->path, "/posts/{id}");
    const cf_api_param *id = cf_api_param_find(op, CF_API_IN_PATH, "id");
    cr_assert_eq(id->style, CF_API_STYLE_SIMPLE);
    cr_assert_not(id->explode);
    const cf_api_param *limit = cf_api_param_find(op, CF_API_IN_QUERY, "limit");
    cr_assert(limit->required, "the operation's parameter wins");
    cr_assert_eq(limit->style, CF_API_STYLE_FORM);
    cr_assert(limit->explode);
    const cf_api_param *tags = cf_api_param_find(op, CF_API_IN_QUERY, "tags");
    cr_assert_not(tags->explode);
    const cf_api_param *trace = cf_api_param_find(op, CF_API_IN_HEADER, "x-trace");
    cr_assert_not_null(trace, "header names are case-insensitive");
    cr_assert_str_eq(trace->example->valuestring, "abc");
    cr_assert_null(cf_api_param_find(op, CF_API_IN_HEADER, "Accept"));
    cr_assert_not_null(cf_api_param_find(op, CF_API_IN_COOKIE, "s"));
    cr_assert_eq(cf_api_param_find(op, CF_API_IN_QUERY, "f")->style, CF_API_STYLE_DEEP_OBJECT);
    cf_api_free(api);
}

Test(openapi_model, path_template_and_parameters_must_agree, .timeout = 10)
{
    refused(HEAD "paths:\n  /posts/{post_id}:\n    get: {responses: {'200': {description: ok}}}\n",
            "path parameter {post_id} of \"/posts/{post_id}\" is not declared");
    refused(HEAD "paths:\n  /posts:\n    get:\n      parameters: [{name: x, in: path}]\n"
                 "      responses: {}\n",
            "path parameter \"x\" does not appear in \"/posts\"");
    refused(HEAD "paths:\n  /a:\n    get:\n      parameters: [{name: x}]\n      responses: {}\n",
            "a parameter needs \"name\" and \"in\"");
}

Test(openapi_model, request_bodies_per_media_type_with_examples, .timeout = 10)
{
    cf_api *api = load_yaml(
        HEAD "components:\n  examples:\n    one: {value: {n: 1}}\n"
             "  requestBodies:\n    B:\n      required: true\n      content:\n"
             "        application/json:\n          schema: {type: object}\n"
             "          examples: {first: {$ref: '#/components/examples/one'}}\n"
             "        text/*: {example: hi}\n"
             "paths:\n  /p:\n    post:\n      requestBody: {$ref: '#/components/requestBodies/B'}\n"
             "      responses: {'201': {description: made}}\n");
    const cf_api_operation *op = &api->operations[0];
    cr_assert(op->body_required);
    cr_assert_eq(op->body_count, 2);
    const cf_api_media *j = cf_api_media_find(op->bodies, op->body_count, "application/json");
    cr_assert_eq(cJSON_GetObjectItem(j->example, "n")->valueint, 1);
    cr_assert_not_null(j->schema.compiled);
    const cf_api_media *t = cf_api_media_find(op->bodies, op->body_count, "text/plain; a=b");
    cr_assert_str_eq(t->media_type, "text/*");
    cr_assert_str_eq(t->example->valuestring, "hi");
    cr_assert_null(cf_api_media_find(op->bodies, op->body_count, "image/png"));
    cf_api_free(api);
}

Test(openapi_model, responses_by_status_range_and_default, .timeout = 10)
{
    cf_api *api = load_yaml(
        HEAD "paths:\n  /r:\n    get:\n      responses:\n"
             "        '200':\n          description: ok\n"
             "          headers:\n            X-Rate: {required: true, schema: {type: integer}}\n"
             "            Content-Type: {schema: {type: string}}\n"
             "          content: {application/json: {schema: {type: array}}}\n"
             "        2XX: {description: other success}\n        '404': {description: none}\n"
             "        4xx: {description: client}\n        default: {description: anything}\n"
             "        x-note: ignored\n");
    const cf_api_operation *op = &api->operations[0];
    cr_assert_eq(op->response_count, 5);
    const cf_api_response *ok = cf_api_response_for(op, 200);
    cr_assert_eq(ok->kind, CF_API_STATUS_EXACT);
    cr_assert_eq(ok->header_count, 1, "Content-Type is not a response header here");
    cr_assert_str_eq(ok->headers[0].name, "X-Rate");
    cr_assert(ok->headers[0].required);
    cr_assert_eq(ok->role, CF_API_ROLE_NONE);
    cr_assert_str_eq(cf_api_response_for(op, 201)->description, "other success");
    cr_assert_eq(cf_api_response_for(op, 404)->role, CF_API_ROLE_NOT_FOUND);
    cr_assert_str_eq(cf_api_response_for(op, 418)->description, "client");
    cr_assert_eq(cf_api_response_for(op, 503)->kind, CF_API_STATUS_DEFAULT);
    cf_api_free(api);
    refused(HEAD "paths:\n  /r:\n    get: {responses: {'2X0': {description: x}}}\n",
            "response key \"2X0\" is not a status");
}

Test(openapi_model, roles_and_idempotency_are_inferred_when_absent, .timeout = 10)
{
    cf_api *api = load_yaml(
        HEAD "paths:\n  /pay:\n    post:\n"
             "      parameters: [{name: Idempotency-Key, in: header, schema: {type: string}}]\n"
             "      responses:\n        '201': {description: ok}\n        '422': {description: v}\n"
             "        '401': {description: a}\n        '409': {description: c}\n"
             "        '429': {description: t}\n        '503': {description: i}\n");
    cr_assert_eq(api->roles[CF_API_ROLE_VALIDATION].status, 422);
    cr_assert(api->roles[CF_API_ROLE_VALIDATION].inferred);
    cr_assert_null(api->roles[CF_API_ROLE_VALIDATION].code, "no codes: nothing is made up");
    cr_assert_eq(api->roles[CF_API_ROLE_AUTH].status, 401);
    cr_assert_eq(api->roles[CF_API_ROLE_CONFLICT].status, 409);
    cr_assert_eq(api->roles[CF_API_ROLE_THROTTLE].status, 429);
    cr_assert_eq(api->roles[CF_API_ROLE_INTERNAL].status, 503);
    cr_assert_eq(api->roles[CF_API_ROLE_NOT_FOUND].status, 0);
    const cf_api_idempotency *id = &api->operations[0].idem;
    cr_assert_eq(id->in, CF_API_TOKEN_HEADER);
    cr_assert_str_eq(id->token, "Idempotency-Key");
    cr_assert(id->inferred);
    cr_assert(id->replays_errors);
    cr_assert_eq(id->mismatch_status, 422);
    cr_assert_eq(id->in_flight_status, 409);
    cr_assert_eq(api->envelope.classify, CF_API_CLASSIFY_STATUS);
    cr_assert_eq(api->envelope.code.count, 0);
    cr_assert_str_eq(api->defaults.request_type, "application/json");
    cf_api_free(api);
}

Test(openapi_model, x_conform_supplies_what_openapi_lacks, .timeout = 10)
{
    cf_api *api = load_yaml(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n"
        "x-conform:\n  variables:\n    token: {default: t0, secret: true}\n"
        "  errors:\n    BadInput: {status: 400}\n    Busy: {status: 429, role: quota}\n"
        "  roles: {validation: BadInput}\n"
        "  envelope: {classify: flag, flag: /ok, code: /error/code, message: header:X-Msg}\n"
        "  latency_ms: 1500\n  media_types: {request: application/json}\n"
        "  mock: {headers: {X-Mock: '1'}, error_body: {ok: false}}\n"
        "paths:\n  /things:\n    post:\n      operationId: make\n"
        "      x-conform:\n        latency_ms: 200\n"
        "        idempotency:\n          token: /ClientToken\n          scope: global\n"
        "          must_repeat: [/Name]\n          identical: [/Id]\n"
        "          mismatch: {role: conflict, status: 409, code: Clash}\n"
        "          retention_s: 3600\n"
        "        mock:\n          status: 201\n          answer: {Id: '{uuid}'}\n"
        "          produces: {thing: /Id}\n"
        "      responses:\n        '201': {description: ok}\n"
        "        '400': {description: bad, x-conform: {code: BadInput, role: validation}}\n"
        "  /things/{id}:\n    get:\n      parameters: [{name: id, in: path, required: true}]\n"
        "      x-conform: {mock: {consumes: {thing: 'path:id'}}}\n"
        "      responses: {'200': {description: ok}}\n");
    cr_assert_eq(api->source, CF_API_FROM_OPENAPI_31);
    cr_assert(cf_api_var_find(api, "token")->secret);
    cr_assert_eq(cf_api_error_find(api, "BadInput")->role, CF_API_ROLE_VALIDATION);
    cr_assert(cf_api_error_find(api, "BadInput")->inferred);
    cr_assert_eq(cf_api_error_find(api, "Busy")->role, CF_API_ROLE_QUOTA);
    cr_assert_str_eq(api->roles[CF_API_ROLE_VALIDATION].code, "BadInput");
    cr_assert_str_eq(api->roles[CF_API_ROLE_QUOTA].code, "Busy");
    cr_assert_eq(api->envelope.classify, CF_API_CLASSIFY_FLAG);
    cr_assert_str_eq(api->envelope.flag, "/ok");
    cr_assert_str_eq(api->envelope.code.at[0].pointer, "/error/code");
    cr_assert_str_eq(api->envelope.message.at[0].header, "X-Msg");
    cr_assert_eq(api->defaults.latency_ms, 1500);
    cr_assert_not_null(api->mock.error_body);
    const cf_api_operation *make = cf_api_operation_find(api, "make");
    cr_assert_eq(make->latency_ms, 200);
    cr_assert_eq(make->idem.in, CF_API_TOKEN_BODY);
    cr_assert_str_eq(make->idem.token, "/ClientToken");
    cr_assert_eq(make->idem.scope, CF_API_SCOPE_GLOBAL);
    cr_assert_str_eq(make->idem.must_repeat[0], "/Name");
    cr_assert_str_eq(make->idem.identical[0], "/Id");
    cr_assert_eq(make->idem.mismatch_role, CF_API_ROLE_CONFLICT);
    cr_assert_str_eq(make->idem.mismatch_code, "Clash");
    cr_assert_eq(make->idem.retention_s, 3600);
    cr_assert_eq(make->mock.answer_status, 201);
    cr_assert_str_eq(make->mock.produces[0].resource, "thing");
    cr_assert_eq(make->mock.produces[0].in, CF_API_IN_BODY);
    cr_assert_str_eq(cf_api_response_for(make, 400)->error_code, "BadInput");
    const cf_api_operation *get = cf_api_operation_find(api, "GET /things/{id}");
    cr_assert_eq(get->mock.consumes[0].in, CF_API_IN_PATH);
    cr_assert_str_eq(get->mock.consumes[0].where, "id");
    cf_api_free(api);
}

Test(openapi_model, unknown_x_conform_keys_list_the_allowed_ones, .timeout = 10)
{
    refused(HEAD "x-conform: {latency: 5}\npaths: {}\n", "unknown key \"latency\" (allowed: "
                                                         "envelope, errors, latency_ms");
    refused(HEAD "x-conform: {roles: {validaton: X}}\npaths: {}\n",
            "unknown key \"validaton\" (allowed: validation, auth, not-found");
    refused(HEAD "paths:\n  /a:\n    post:\n      x-conform: {idempotency: {scope: caller}}\n"
                 "      responses: {}\n",
            "idempotency needs \"token\"");
    /* an x-conform entry that is a list, not an object (found by the fuzz smoke run) */
    refused(HEAD "x-conform: {errors: {Gone: [{status: 410}]}}\npaths: {}\n", "must be an object");
}

Test(openapi_model, routes_pick_literal_segments_over_templates, .timeout = 10)
{
    cf_api *api = load_yaml(HEAD "paths:\n"
                                 "  /posts/{id}:\n    parameters: [{name: id, in: path}]\n"
                                 "    get: {operationId: one, responses: {}}\n"
                                 "  /posts/latest:\n    get: {operationId: latest, responses: {}}\n"
                                 "  /files/{name}.json:\n    parameters: [{name: name, in: path}]\n"
                                 "    get: {operationId: file, responses: {}}\n");
    cr_assert_str_eq(cf_api_route(api, "GET", "/posts/7")->id, "one");
    cr_assert_str_eq(cf_api_route(api, "get", "/posts/latest?x=1")->id, "latest");
    cr_assert_str_eq(cf_api_route(api, "GET", "/files/a.json")->id, "file");
    cr_assert_null(cf_api_route(api, "POST", "/posts/7"));
    cr_assert_null(cf_api_route(api, "GET", "/posts/7/x"));
    cr_assert_null(cf_api_route(api, "GET", "/files/.json"));
    cf_api_free(api);
}

Test(openapi_model, role_names_and_status_inference, .timeout = 5)
{
    cr_assert_str_eq(cf_api_role_name(CF_API_ROLE_NOT_FOUND), "not-found");
    cr_assert_str_eq(cf_api_role_name(CF_API_ROLE_NONE), "none");
    cr_assert_eq(cf_api_role_from_name("throttle"), CF_API_ROLE_THROTTLE);
    cr_assert_eq(cf_api_role_from_name("nope"), CF_API_ROLE_NONE);
    static const struct {
        int status;
        cf_api_role role;
    } table[] = {
        {400, CF_API_ROLE_VALIDATION}, {422, CF_API_ROLE_VALIDATION}, {401, CF_API_ROLE_AUTH},
        {403, CF_API_ROLE_AUTH},       {404, CF_API_ROLE_NOT_FOUND},  {409, CF_API_ROLE_CONFLICT},
        {429, CF_API_ROLE_THROTTLE},   {500, CF_API_ROLE_INTERNAL},   {599, CF_API_ROLE_INTERNAL},
        {418, CF_API_ROLE_NONE},       {200, CF_API_ROLE_NONE}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        cr_assert_eq(cf_api_role_for_status(table[i].status), table[i].role, "%d", table[i].status);
}

Test(openapi_model, arena_strings_and_adoption, .timeout = 5)
{
    cf_api *api = cf_api_new(CF_API_FROM_SMITHY, "x.json");
    cr_assert_not_null(api);
    cr_assert_str_eq(api->file, "x.json");
    cr_assert_eq(api->schema_options.dialect, CF_SCHEMA_2020_12);
    const char *s = cf_api_strdup(api, "hello");
    cr_assert_str_eq(s, "hello");
    cr_assert_null(cf_api_strdup(api, NULL));
    cr_assert_str_eq(cf_api_strndup(api, "abcdef", 3), "abc");
    char *big = cf_api_alloc(api, 200000);
    cr_assert_not_null(big);
    cr_assert_eq(big[199999], 0);
    cJSON *doc = cJSON_Parse("{\"type\":\"integer\"}");
    cr_assert_eq(cf_api_adopt(api, doc), CF_OK);
    cf_api_schema sch;
    cr_assert_eq(cf_api_schema_set(api, &sch, doc), CF_OK);
    cJSON *one = cJSON_CreateNumber(1);
    cr_assert(cf_schema_accepts(sch.compiled, one));
    cJSON_Delete(one);
    cr_assert_eq(cf_api_schema_set(api, &sch, NULL), CF_OK);
    cr_assert_null(sch.compiled);
    cf_api_free(api);
    cf_api_free(NULL);
}
