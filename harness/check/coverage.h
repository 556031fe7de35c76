/* coverage.h - which parts of a contract the responses of a run exercised. */
#ifndef CF_COVERAGE_H
#define CF_COVERAGE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/rc.h"
#include "check/result.h"
#include "contract/api.h"
#include "suite/suite.h"
#include "http/response.h"

/* An item is one line of text, derived from the contract alone (never from a response, so it
 * can hold no secret):
 *   "status 200"                          a documented response status ("status 2XX": a range)
 *   "code ValidationException"            an error code of the catalogue
 *   "success #/data/url present"          an optional member, present ...
 *   "success #/data/url absent"           ... and absent (its parent object present)
 *   "error #/error/kind = \"quota\""      an enum member (compact JSON)
 *   "success #/data oneOf[1]"             a oneOf / anyOf branch the value validated against
 * "success" / "error" name the response schema; an array element is the segment "*".
 *
 * Memory: the functions append to a cf_buf the caller owns; cf_coverage_compute() fills
 * r->coverage, which cf_run_result_cleanup() frees. */

#ifndef CF_COVERAGE_MAX
#define CF_COVERAGE_MAX (256u * 1024u) /* bytes of the item list of one operation or response */
#endif

/* Appends every item of operation `op` of `api`, one per line. Codes and statuses are the ones
 * its responses list (on a one-operation contract, a v1 file: the whole catalogue). */
CF_WUR cf_rc cf_coverage_items(const cf_api *api, const cf_api_operation *op, cf_buf *out);

/* Appends the items one response exercised (after cf_response_finish()), one per line, each
 * once. A response with no status appends nothing. */
CF_WUR cf_rc cf_coverage_observe(const cf_api *api, const cf_api_operation *op,
                                 const cf_response *resp, cf_buf *out);

/* Sets r->coverage: per operation of each suite that has cases (once per suite file and
 * operation), its items, none exercised yet (a streaming run marks them with
 * cf_coverage_mark() as responses come, keeping no exchange for it). Replaces an earlier
 * computation. CF_E_NOMEM leaves r->coverage NULL. */
CF_WUR cf_rc cf_coverage_prepare(const cf_suite *const *suites, size_t n, cf_run_result *r);

/* Marks, on the r->coverage entry of `spec_file` and `operation` (NULL: every operation of the
 * file), the items named in `covered` (the lines cf_coverage_observe() appended). NULL file or
 * covered and unknown files mark nothing. */
void cf_coverage_mark(cf_run_result *r, const char *spec_file, const char *operation,
                      const char *covered);

/* Sets r->coverage: per operation, its items and which ones the exchanges of the cases
 * (matched by suite file and operation) exercised. Replaces an earlier computation.
 * CF_E_NOMEM leaves r->coverage NULL. */
CF_WUR cf_rc cf_coverage_compute(const cf_suite *const *suites, size_t n, cf_run_result *r);

#endif
