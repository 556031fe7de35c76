/* rc.h - the one list of result codes every libconform function returns. */
#ifndef CF_RC_H
#define CF_RC_H

/* CF_WUR: the result must be used. CF_PRINTF(f, a): argument f is a printf format whose
 * arguments start at a, so the compiler checks every call. */
#if defined(__GNUC__) || defined(__clang__)
#define CF_WUR __attribute__((warn_unused_result))
#define CF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CF_WUR
#define CF_PRINTF(f, a)
#endif

/* X(name, value, text): the enum, cf_strerror() and cf_err_name() all come from here. */
#define CF_RC_MAP(X)                                                                               \
    X(CF_OK, 0, "success")                                                                         \
    X(CF_E_NOMEM, 1, "out of memory")                                                              \
    X(CF_E_TOO_LARGE, 2, "input exceeds its size limit")                                           \
    X(CF_E_INVALID, 3, "invalid input")                                                            \
    X(CF_E_IO, 4, "input/output error")                                                            \
    X(CF_E_NOT_FOUND, 5, "not found")                                                              \
    X(CF_E_TOO_DEEP, 6, "nesting too deep")                                                        \
    X(CF_E_TRANSPORT, 7, "transport failure")                                                      \
    X(CF_E_TIMEOUT, 8, "timed out")                                                                \
    X(CF_E_INTERRUPTED, 9, "interrupted")                                                          \
    X(CF_E_USAGE, 10, "bad usage")

typedef enum {
#define CF_RC_ENUM(name, value, text) name = value,
    CF_RC_MAP(CF_RC_ENUM)
#undef CF_RC_ENUM
} cf_rc;

/* Human text for a code; never NULL. */
const char *cf_strerror(cf_rc rc);
/* The code's symbolic name ("CF_E_NOMEM"); never NULL. */
const char *cf_err_name(cf_rc rc);

#endif
