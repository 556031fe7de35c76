/* test_gen_api.c - generated cases of contracts with many operations (gen/cases.h on cf_api):
 * path and query parameter items judged in their wire form, a wrong content type, credentials
 * per kind (bearer header, query key, AWS header), producer steps and gen.seq sequences through
 * OpenAPI links and the AWS overlay's resources, byte-identical lists per seed. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "contract/openapi.h"
#include "gen/cases.h"
#include "suite/suite.h"

#define SERVICE CONFORM_SOURCE_DIR "/specs/connect-participant/connectparticipant-2018-09-07.json"

/* Three operations: a query-parameter list behind an API key in the query, a create behind a
 * bearer token whose answer links to a get by path parameter. */
static const char pets[] =
    "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"pets\", \"version\": \"1\"},"
    " \"components\": {\"securitySchemes\": {"
    "   \"bearer\": {\"type\": \"http\", \"scheme\": \"bearer\"},"
    "   \"key\": {\"type\": \"apiKey\", \"in\": \"query\", \"name\": \"api_key\"}}},"
    " \"security\": [{\"bearer\": []}],"
    " \"paths\": {"
    "  \"/pets\": {"
    "   \"post\": {\"operationId\": \"CreatePet\","
    "    \"requestBody\": {\"required\": true, \"content\": {\"application/json\": {\"schema\":"
    "     {\"type\": \"object\", \"required\": [\"name\"], \"properties\": {\"name\":"
    "      {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 20}}}}}},"
    "    \"responses\": {\"201\": {\"description\": \"made\", \"content\": {\"application/json\":"
    "      {\"schema\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": "
    "\"integer\"}}}}},"
    "      \"links\": {\"self\": {\"operationId\": \"GetPet\","
    "       \"parameters\": {\"petId\": \"$response.body#/id\"}}}},"
    "     \"400\": {\"description\": \"bad\"}, \"401\": {\"description\": \"who\"},"
    "     \"415\": {\"description\": \"type\"}}},"
    "   \"get\": {\"operationId\": \"ListPets\", \"security\": [{\"key\": []}],"
    "    \"parameters\": ["
    "     {\"name\": \"limit\", \"in\": \"query\", \"required\": true,"
    "      \"schema\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100}},"
    "     {\"name\": \"kind\", \"in\": \"query\","
    "      \"schema\": {\"type\": \"string\", \"enum\": [\"cat\", \"dog\"]}},"
    "     {\"name\": \"tag\", \"in\": \"query\","
    "      \"schema\": {\"type\": \"string\", \"maxLength\": 5}}],"
    "    \"responses\": {\"200\": {\"description\": \"ok\"}, \"400\": {\"description\": \"bad\"},"
    "     \"403\": {\"description\": \"no\"}}}},"
    "  \"/pets/{petId}\": {"
    "   \"get\": {\"operationId\": \"GetPet\", \"parameters\": [{\"name\": \"petId\","
    "     \"in\": \"path\", \"required\": true, \"schema\": {\"type\": \"integer\", \"minimum\": "
    "1}}],"
    "    \"responses\": {\"200\": {\"description\": \"ok\"}, \"404\": {\"description\": \"none\"},"
    "     \"400\": {\"description\": \"bad\"}}}}}}";

static cf_api *load_pets(void)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_openapi_load_mem("pets.json", pets, sizeof pets - 1, &api, &d);
    cr_assert_eq(rc, CF_OK, "%s", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    return api;
}

static cf_suite *load_service(void)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *s = NULL;
    cr_assert_eq(cf_suite_load_file(SERVICE, &s, &d), CF_OK, "%s",
                 d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    return s;
}

static void build(const cf_api *api, uint64_t seed, cf_gen_cases *g, cf_gen_cases_stats *st)
{
    cf_gen_cases_opts o = {CF_GEN_CASES_ALL, seed, 0, NULL, NULL};
    memset(g, 0, sizeof(*g));
    cr_assert_eq(cf_gen_cases_build(api, &o, g, st), CF_OK);
}

static char *listing(const cf_gen_cases *g)
{
    cf_buf b;
    cf_buf_init(&b, 64u * 1024u * 1024u);
    cr_assert_eq(cf_gen_cases_write(g, &b), CF_OK);
    char *s = cf_buf_take(&b);
    cr_assert_not_null(s);
    return s;
}

static const cf_case *find(const cf_gen_cases *g, const char *id)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->cases[i].id, id) == 0)
            return &g->cases[i];
    return NULL;
}

static const cf_case *must_find(const cf_gen_cases *g, const char *id)
{
    const cf_case *c = find(g, id);
    cr_assert_not_null(c, "no case %s", id);
    return c;
}

static const cf_step *last(const cf_case *c)
{
    return &c->steps[c->step_count - 1];
}

static const char *str_at(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    cr_assert(cJSON_IsString(v), "no string \"%s\"", key);
    return v->valuestring;
}

Test(gen_api, same_contract_and_seed_give_byte_identical_case_lists, .timeout = 30)
{
    cf_suite *s = load_service();
    cf_gen_cases a, b, c;
    cf_gen_cases_stats sa, sb, sc;
    build(s->api, 5, &a, &sa);
    build(s->api, 5, &b, &sb);
    build(s->api, 6, &c, &sc);
    char *la = listing(&a), *lb = listing(&b), *lc = listing(&c);
    cr_expect_str_eq(la, lb);
    cr_expect_str_neq(la, lc, "another seed changes the random values");
    cr_assert_eq(sa.added, sc.added, "never the case list");
    for (size_t i = 0; i < a.count; i++)
        cr_expect_str_eq(a.cases[i].id, c.cases[i].id);
    cr_expect_eq(sa.operations, s->api->operation_count, "every operation gets cases");
    free(la);
    free(lb);
    free(lc);
    cf_gen_cases_cleanup(&a);
    cf_gen_cases_cleanup(&b);
    cf_gen_cases_cleanup(&c);
    cf_suite_free(s);
}

Test(gen_api, query_parameters_invalid_each_way, .timeout = 30)
{
    cf_api *api = load_pets();
    cf_gen_cases g;
    cf_gen_cases_stats st;
    build(api, 1, &g, &st);
    const cf_case *c = must_find(&g, "gen.ListPets.query.limit.maximum+1");
    cr_expect_eq(c->steps[0].op, cf_api_operation_find(api, "ListPets"));
    cr_expect_str_eq(str_at(c->steps[0].query, "limit"), "101");
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_ERROR);
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION);
    c = must_find(&g, "gen.ListPets.query.limit.not-integer.string");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION);
    c = must_find(&g, "gen.ListPets.query.limit.missing");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->steps[0].query, "limit")),
              "a missing required parameter is dropped (null)");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION);
    c = must_find(&g, "gen.ListPets.query.kind.not-enum");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION);
    c = must_find(&g, "gen.ListPets.query.kind.absent");
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_SUCCESS, "an optional parameter may be left out");
    c = must_find(&g, "gen.ListPets.query.limit.maximum");
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_SUCCESS);
    cr_expect_str_eq(str_at(c->steps[0].query, "api_key"), "{key}", "the caller's key is sent");
    /* On the wire 7 is the valid string "7": no such negative for a plain string parameter. */
    cr_expect_null(find(&g, "gen.ListPets.query.tag.not-string.integer"));
    cr_expect_not_null(find(&g, "gen.ListPets.query.tag.maxLength+1"));
    cr_expect_gt(st.dropped, 0);
    cf_gen_cases_cleanup(&g);
    cf_api_free(api);
}

Test(gen_api, path_parameters_invalid_behind_a_live_resource, .timeout = 30)
{
    cf_api *api = load_pets();
    const cf_api_operation *get = cf_api_operation_find(api, "GetPet");
    cr_assert_eq(get->mock.consume_count, 1, "the link made GetPet a consumer");
    cr_expect_eq(get->mock.consumes[0].in, CF_API_IN_PATH);
    const cf_api_operation *create = cf_api_operation_find(api, "CreatePet");
    cr_assert_eq(create->mock.produce_count, 1);
    cr_expect_str_eq(create->mock.produces[0].where, "/id");
    cf_gen_cases g;
    cf_gen_cases_stats st;
    build(api, 1, &g, &st);
    const cf_case *c = must_find(&g, "gen.GetPet.path.petId.not-integer.string");
    cr_assert_eq(c->step_count, 2, "the producer runs first");
    cr_expect_eq(c->steps[0].op, create);
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_SUCCESS);
    cr_expect_str_eq(str_at(c->steps[0].capture, "CreatePet_self_petId"), "/id");
    cr_expect_str_eq(str_at(c->steps[1].path_params, "petId"), "conform");
    cr_expect_eq(c->steps[1].role, CF_API_ROLE_VALIDATION);
    cr_expect_not_null(find(&g, "gen.GetPet.path.petId.minimum-1"));
    /* A valid made-up id names no pet: such items are not sent as successes. */
    cr_expect_null(find(&g, "gen.GetPet.path.petId.minimum"));
    c = must_find(&g, "gen.GetPet.auth.missing");
    cr_expect_str_eq(str_at(c->steps[1].path_params, "petId"), "{@CreatePet_self_petId}");

    c = must_find(&g, "gen.seq.CreatePet>GetPet");
    cr_expect(c->scenario);
    cr_expect_eq(c->step_count, 2);
    cr_expect_eq(c->steps[1].outcome, CF_OUTCOME_SUCCESS);
    cr_expect_str_eq(c->steps[1].name, "GetPet");
    cr_expect_eq(st.sequences, 1);
    cf_gen_cases_cleanup(&g);
    cf_api_free(api);
}

Test(gen_api, wrong_content_type_expects_415_when_listed, .timeout = 30)
{
    cf_api *api = load_pets();
    cf_gen_cases g;
    cf_gen_cases_stats st;
    build(api, 1, &g, &st);
    const cf_case *c = must_find(&g, "gen.CreatePet.content-type.unsupported");
    cr_expect_str_eq(str_at(c->steps[0].headers, "Content-Type"), "text/plain");
    cr_expect_eq(c->steps[0].status, 415);
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_ERROR);
    cr_expect_null(find(&g, "gen.ListPets.content-type.unsupported"), "no body, no content type");
    cf_gen_cases_cleanup(&g);
    cf_api_free(api);
}

Test(gen_api, credentials_missing_empty_unknown_per_kind, .timeout = 30)
{
    cf_api *api = load_pets();
    cf_gen_cases g;
    cf_gen_cases_stats st;
    build(api, 1, &g, &st);
    /* bearer: the Authorization header */
    const cf_case *c = must_find(&g, "gen.CreatePet.auth.missing");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->steps[0].headers, "Authorization")));
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_AUTH);
    c = must_find(&g, "gen.CreatePet.auth.empty");
    cr_expect_str_eq(str_at(c->steps[0].headers, "Authorization"), "Bearer ");
    c = must_find(&g, "gen.CreatePet.auth.unknown");
    cr_expect_str_eq(str_at(c->steps[0].headers, "Authorization"),
                     "Bearer conform-unknown-credential");
    c = must_find(&g, "gen.CreatePet.Body.minimal");
    cr_expect_str_eq(str_at(c->steps[0].headers, "Authorization"), "Bearer {bearer}");
    /* an API key in the query */
    c = must_find(&g, "gen.ListPets.auth.missing");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->steps[0].query, "api_key")));
    c = must_find(&g, "gen.ListPets.auth.empty");
    cr_expect_str_eq(str_at(c->steps[0].query, "api_key"), "");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_AUTH);
    cf_gen_cases_cleanup(&g);
    cf_api_free(api);
}

Test(gen_api, connect_participant_operations_reach_live_resources, .timeout = 30)
{
    cf_suite *s = load_service();
    cf_gen_cases g;
    cf_gen_cases_stats st;
    build(s->api, 1, &g, &st);
    /* GetAttachment wants the AttachmentId "complete": the overlay's life cycle puts
     * CompleteAttachmentUpload between the upload's start and it. */
    const cf_case *c = must_find(&g, "gen.seq.CreateParticipantConnection>StartAttachmentUpload>"
                                     "CompleteAttachmentUpload>GetAttachment");
    cr_assert_eq(c->step_count, 4);
    cr_expect_str_eq(str_at(c->steps[0].headers, "X-Amz-Bearer"), "{participant_token}");
    cr_expect_str_eq(str_at(c->steps[0].capture, "ConnectionToken"),
                     "/ConnectionCredentials/ConnectionToken");
    cr_expect_str_eq(str_at(c->steps[1].headers, "X-Amz-Bearer"), "{@ConnectionToken}");
    cr_expect_str_eq(str_at(c->steps[1].capture, "AttachmentId"), "/AttachmentId");
    cr_expect_str_eq(cf_json_pointer(c->steps[2].body, "/AttachmentIds/0")->valuestring,
                     "{@AttachmentId}");
    cr_expect_str_eq(cf_json_pointer(c->steps[3].body, "/AttachmentId")->valuestring,
                     "{@AttachmentId}");
    /* A page cursor is the server's: valid requests leave it out. */
    c = must_find(&g, "gen.GetTranscript.Body.all-members");
    cr_expect_null(cf_json_pointer(last(c)->body, "/NextToken"));
    cr_expect_null(find(&g, "gen.GetTranscript.NextToken.maxLength"));
    cr_expect_not_null(find(&g, "gen.seq.CreateParticipantConnection>SendMessage"));
    cr_expect_eq(st.sequences, 10, "one per producer and direct consumer");

    /* Every case of a ConnectionToken consumer opens a connection first. */
    c = must_find(&g, "gen.SendMessage.Content.maxLength+1");
    cr_assert_eq(c->step_count, 2);
    cr_expect_str_eq(c->steps[0].operation, "CreateParticipantConnection");
    cr_expect_eq(last(c)->role, CF_API_ROLE_VALIDATION);
    cr_expect_str_eq(last(c)->code, "ValidationException");
    /* ... except its credential cases' last request, which spoils the token. */
    c = must_find(&g, "gen.SendMessage.auth.unknown");
    cr_expect_str_eq(str_at(last(c)->headers, "X-Amz-Bearer"), "conform-unknown-credential");
    /* A resource nobody produces comes from the variable of the same name. */
    c = must_find(&g, "gen.DescribeView.auth.missing");
    cr_expect_str_eq(str_at(last(c)->path_params, "ViewToken"), "{view_token}");
    cr_expect_null(find(&g, "gen.StartAttachmentUpload.header.X-Amz-Bearer.minimal"),
                   "a credential header is no parameter to vary");
    /* An empty body is {} to AWS: a negative only where a body member is required. */
    cr_expect_null(find(&g, "gen.CreateParticipantConnection.Body.raw.empty"));
    cr_expect_not_null(find(&g, "gen.StartAttachmentUpload.Body.raw.empty"));
    cf_gen_cases_cleanup(&g);
    cf_suite_free(s);
}

Test(gen_api, per_operation_cap_and_positive_mode, .timeout = 30)
{
    cf_suite *s = load_service();
    cf_gen_cases_opts o = {CF_GEN_CASES_POSITIVE, 1, 3, NULL, NULL};
    cf_gen_cases g = {0};
    cf_gen_cases_stats st;
    cr_assert_eq(cf_gen_cases_build(s->api, &o, &g, &st), CF_OK);
    cr_expect_gt(st.capped, 0);
    for (size_t i = 0; i < g.count; i++) {
        cr_expect_eq(last(&g.cases[i])->outcome, CF_OUTCOME_SUCCESS, "%s", g.cases[i].id);
        cr_expect_null(strstr(g.cases[i].id, ".auth."), "%s", g.cases[i].id);
    }
    /* At most 3 per operation: 11 operations. */
    cr_expect_leq(g.count, 3 * s->api->operation_count);
    cf_gen_cases_cleanup(&g);
    cf_suite_free(s);
}
