/* limits.h - every size bound libconform enforces, in one place; fuzz builds may lower them. */
#ifndef CF_LIMITS_H
#define CF_LIMITS_H

/* Compile-time constants only (no memory of their own); each bound is checked where the input
 * is read, and exceeding it is an error naming the limit, never a silent cut. */

#ifndef CF_MAX_RESPONSE_BODY
#define CF_MAX_RESPONSE_BODY (1024u * 1024u) /* bytes of a response body kept; more fails */
#endif
#ifndef CF_MAX_RESPONSE_HEADERS
#define CF_MAX_RESPONSE_HEADERS (64u * 1024u) /* bytes of all response header lines */
#endif
#ifndef CF_MAX_HEADER_COUNT
#define CF_MAX_HEADER_COUNT 128u /* header lines in one message */
#endif
#ifndef CF_MAX_REQUEST_BODY
#define CF_MAX_REQUEST_BODY (1024u * 1024u) /* bytes the mock accepts / the serializer emits */
#endif
#ifndef CF_MAX_SPEC_FILE
#define CF_MAX_SPEC_FILE (4u * 1024u * 1024u) /* bytes of one spec file */
#endif
#ifndef CF_MAX_JSON_DEPTH
#define CF_MAX_JSON_DEPTH 64 /* nesting accepted in any JSON we parse */
#endif
#ifndef CF_MAX_CASES
#define CF_MAX_CASES 4096u /* cases in one spec */
#endif
#ifndef CF_MAX_STEPS
#define CF_MAX_STEPS 64u /* steps in one scenario */
#endif
#ifndef CF_MAX_PARALLEL
#define CF_MAX_PARALLEL 64u /* copies of one step sent at once */
#endif
#ifndef CF_MAX_VARS
#define CF_MAX_VARS 64u /* variables in one spec */
#endif
#ifndef CF_RERUN_MAX
#define CF_RERUN_MAX (64u * 1024u) /* bytes of a rerun or curl line's flags and words */
#endif
#ifndef CF_ERR_MAX
#define CF_ERR_MAX 1024u /* bytes of an error message a library call writes for the CLI */
#endif
#ifndef CF_MAX_MOCK_MESSAGE
#define CF_MAX_MOCK_MESSAGE 480u /* bytes of the message in a mock's error answer */
#endif
#ifndef CF_MAX_DIAGS
#define CF_MAX_DIAGS 200u /* diagnostics kept per operation; more are counted, not stored */
#endif

#ifndef CF_MAX_KEPT_FAILURES
#define CF_MAX_KEPT_FAILURES 256u /* failed cases a bounded run keeps whole for the console */
#endif
#ifndef CF_MAX_KEPT_CASES
#define CF_MAX_KEPT_CASES 2048u /* cases a bounded run keeps in memory at all */
#endif
#ifndef CF_GEN_MAX_ITEMS
#define CF_GEN_MAX_ITEMS 1024u /* generated items per schema; more are not generated (counted) */
#endif
#ifndef CF_GEN_MAX_DEPTH
#define CF_GEN_MAX_DEPTH 12 /* schema nesting the generator follows ($ref included) */
#endif
#ifndef CF_GEN_MAX_STRING
#define CF_GEN_MAX_STRING 64u /* code points of a generated string that is not a length bound */
#endif
#ifndef CF_GEN_MAX_BOUND
#define CF_GEN_MAX_BOUND 16384u /* code points of an at-maxLength string; above it, skipped */
#endif
#ifndef CF_GEN_MAX_ARRAY
#define CF_GEN_MAX_ARRAY 64u /* elements of an at-maxItems array; above it, skipped */
#endif
#ifndef CF_MAX_CONTRACT_FILE
#define CF_MAX_CONTRACT_FILE (32u * 1024u * 1024u) /* bytes of one contract file (OpenAPI, AWS) */
#endif
#ifndef CF_MAX_CONTRACT_FILES
#define CF_MAX_CONTRACT_FILES 64u /* files one contract may pull in through $ref */
#endif
#ifndef CF_MAX_API_BYTES
#define CF_MAX_API_BYTES (256u * 1024u * 1024u) /* arena bytes of one loaded cf_api */
#endif
#ifndef CF_MAX_OPERATIONS
#define CF_MAX_OPERATIONS 20000u /* operations in one contract */
#endif
#ifndef CF_MAX_YAML_NODES
#define CF_MAX_YAML_NODES (2u * 1024u * 1024u) /* nodes one YAML document may expand to */
#endif
#ifndef CF_MAX_YAML_ALIASES
#define CF_MAX_YAML_ALIASES 10000u /* alias uses in one YAML document */
#endif
#ifndef CF_MAX_REF_HOPS
#define CF_MAX_REF_HOPS 64u /* $ref to $ref chains followed before calling it a cycle */
#endif
#ifndef CF_MAX_AWS_SHAPES
#define CF_MAX_AWS_SHAPES 100000u /* shapes (and operations) in one AWS model */
#endif
#ifndef CF_MAX_AWS_MEMBERS
#define CF_MAX_AWS_MEMBERS 10000u /* members of one AWS shape, errors of one operation */
#endif
#ifndef CF_MAX_AWS_SCHEMA_NODES
#define CF_MAX_AWS_SCHEMA_NODES 100000u /* shapes inlined into one schema */
#endif
#ifndef CF_MAX_AWS_MODEL_NODES
#define CF_MAX_AWS_MODEL_NODES 4000000u /* shapes inlined into all schemas of one model */
#endif

#ifndef CF_FUZZ_POOL_MAX
#define CF_FUZZ_POOL_MAX 256u /* bodies a fuzz campaign keeps to mutate from */
#endif
#ifndef CF_FUZZ_CLASSES_MAX
#define CF_FUZZ_CLASSES_MAX 65536u /* response classes a campaign remembers; more are not new */
#endif
#ifndef CF_FUZZ_MINIMISE_MAX
#define CF_FUZZ_MINIMISE_MAX 48u /* requests spent minimising one finding */
#endif
#ifndef CF_FUZZ_RETRY_AFTER_MAX_S
#define CF_FUZZ_RETRY_AFTER_MAX_S 60u /* a 429's Retry-After is capped at this */
#endif
#ifndef CF_FUZZ_BACKOFF_MAX_MS
#define CF_FUZZ_BACKOFF_MAX_MS 8000.0 /* backoff after 429s without Retry-After doubles to this */
#endif

#endif
