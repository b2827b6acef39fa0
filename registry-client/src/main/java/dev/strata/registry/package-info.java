/**
 * Pull and push images through an OCI Distribution (v2) registry: TLS with per-registry CAs,
 * basic and bearer-token authentication, parallel verified downloads that resume, and uploads of
 * only the blobs a registry lacks.
 */
package dev.strata.registry;
