/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#if defined(_WIN32)
# define VRTC_EXPORT __declspec(dllexport) extern
#else
# define VRTC_EXPORT __attribute__((visibility("default"))) extern
#endif

#define VRTC_MAJOR_VERSION 0
#define VRTC_MINOR_VERSION 1
#define VRTC_MICRO_VERSION 0
