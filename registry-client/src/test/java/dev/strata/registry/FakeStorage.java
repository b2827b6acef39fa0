package dev.strata.registry;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a {@link FakeRegistry} holds, in memory: blobs and manifests per repository and the uploads
 * in progress. Blobs are per repository, as in Distribution, so that a cross-repository mount is
 * observable: a blob pushed to {@code a} is unknown in {@code b} until mounted or uploaded there.
 */
final class FakeStorage {

  record StoredManifest(String mediaType, byte[] bytes, String digest) {}

  /** An upload session: the bytes received so far through POST, PATCH and PUT. */
  static final class Upload {
    final String repository;
    final String uuid = UUID.randomUUID().toString();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Upload(String repository) {
      this.repository = repository;
    }

    synchronized long size() {
      return bytes.size();
    }

    synchronized void append(byte[] chunk) {
      bytes.writeBytes(chunk);
    }

    synchronized byte[] bytes() {
      return bytes.toByteArray();
    }
  }

  private final Map<String, Map<String, byte[]>> blobs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, StoredManifest>> manifests = new ConcurrentHashMap<>();
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

  Optional<byte[]> blob(String repository, String digest) {
    return Optional.ofNullable(blobs.getOrDefault(repository, Map.of()).get(digest));
  }

  String putBlob(String repository, byte[] content) {
    String digest = Sha256.of(content);
    blobs.computeIfAbsent(repository, r -> new ConcurrentHashMap<>()).put(digest, content.clone());
    return digest;
  }

  Optional<StoredManifest> manifest(String repository, String reference) {
    return Optional.ofNullable(manifests.getOrDefault(repository, Map.of()).get(reference));
  }

  /** Stores under the digest and, when {@code reference} is a tag, under the tag as well. */
  String putManifest(String repository, String reference, String mediaType, byte[] bytes) {
    StoredManifest manifest = new StoredManifest(mediaType, bytes.clone(), Sha256.of(bytes));
    Map<String, StoredManifest> repo = manifests.computeIfAbsent(repository, r -> new ConcurrentHashMap<>());
    repo.put(manifest.digest(), manifest);
    repo.put(reference, manifest);
    return manifest.digest();
  }

  List<String> tags(String repository) {
    return manifests.getOrDefault(repository, Map.of()).keySet().stream()
        .filter(reference -> !reference.contains(":")).sorted().toList();
  }

  Upload startUpload(String repository) {
    Upload upload = new Upload(repository);
    uploads.put(upload.uuid, upload);
    return upload;
  }

  Optional<Upload> upload(String repository, String uuid) {
    return Optional.ofNullable(uploads.get(uuid)).filter(u -> u.repository.equals(repository));
  }

  void endUpload(String uuid) {
    uploads.remove(uuid);
  }
}
