/**
 * JMH benchmarks of Strata's hot paths (apply, diff, mount, create-writable, copy-up, lookups, layer
 * store, volumes), every one parameterised by driver and size, and the in-process timing harness
 * that {@code benchmarks/compare.sh} runs beside GNU tar, containers-storage and Docker.
 */
package dev.strata.bench;
