// Status propagation macros used across padgraph. Abseil 20220623 (Debian 12's) has no public
// RETURN_IF_ERROR / ASSIGN_OR_RETURN, so padgraph carries its own. Each expands to a single
// statement; the CUDA and NCCL variants live with the components that include those headers.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Internal invariants only (never user input): prints file:line and aborts.
#define PADGRAPH_CHECK(cond)                                                                  \
  do {                                                                                        \
    if (ABSL_PREDICT_FALSE(!(cond))) {                                                        \
      std::fprintf(stderr, "%s:%d: padgraph internal check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                                    \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

#define PADGRAPH_STATUS_CONCAT_INNER_(a, b) a##b
#define PADGRAPH_STATUS_CONCAT_(a, b) PADGRAPH_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the calling function when it is not OK.
#define PADGRAPH_RETURN_IF_ERROR(expr)                                                          \
  do {                                                                                          \
    if (::absl::Status padgraph_status_ = (expr); ABSL_PREDICT_FALSE(!padgraph_status_.ok())) { \
      return padgraph_status_;                                                                  \
    }                                                                                           \
  } while (0)

// `PADGRAPH_ASSIGN_OR_RETURN(auto x, MakeX());` declares or assigns `x` from a StatusOr, or
// returns its status. Not a single statement (it declares `lhs`), so never the body of an if.
#define PADGRAPH_ASSIGN_OR_RETURN(lhs, expr) \
  PADGRAPH_ASSIGN_OR_RETURN_IMPL_(PADGRAPH_STATUS_CONCAT_(padgraph_statusor_, __LINE__), lhs, expr)

// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration.
#define PADGRAPH_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (ABSL_PREDICT_FALSE(!statusor.ok())) {                  \
    return std::move(statusor).status();                     \
  }                                                          \
  lhs = *std::move(statusor)
// NOLINTEND(bugprone-macro-parentheses)
