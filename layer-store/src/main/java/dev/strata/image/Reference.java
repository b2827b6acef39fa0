package dev.strata.image;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image tag, {@code name:tag}, in Docker's familiar form: {@code busybox} means {@code
 * busybox:latest}, {@code docker.io/library/busybox:1.36} is kept as {@code busybox:1.36}, and
 * {@code quay.io/org/app} as {@code quay.io/org/app:latest}.
 *
 * <p>The grammar is Docker's (distribution/reference): a name is an optional registry host
 * ({@code host[:port]}) and slash-separated path components of lowercase letters and digits
 * joined by {@code .}, {@code _}, {@code __} or dashes; a tag is {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}};
 * the name is at most 255 characters. Digest references ({@code name@sha256:...}) are not tags.
 *
 * @param name the familiar repository name, e.g. {@code busybox}, {@code foo/bar}, {@code localhost:5000/x}
 * @param tag the tag, e.g. {@code latest}
 */
public record Reference(String name, String tag) implements Comparable<Reference> {

  private static final String DEFAULT_DOMAIN = "docker.io";
  private static final String RULE = "Docker's rule: [registry[:port]/]path[:tag] with lowercase path"
      + " components of [a-z0-9] joined by '.', '_', '__' or '-', a tag of [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
      + ", at most 255 characters of name";
  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
      + "|\\[[a-fA-F0-9:]+\\])";
  private static final Pattern DOMAIN = Pattern.compile(HOST + "(?::[0-9]+)?");
  private static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

  public Reference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tag, "tag");
    String[] normal;
    try {
      normal = normalize(name + ":" + tag);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!normal[0].equals(name) || !normal[1].equals(tag)) {
      throw new IllegalArgumentException("reference '" + name + ":" + tag + "' is not in familiar form '"
          + normal[0] + ":" + normal[1] + "'");
    }
  }

  /**
   * Parses and normalizes a reference: a missing tag is {@code latest}, {@code docker.io/library/}
   * and {@code index.docker.io/} prefixes are dropped.
   *
   * @throws InvalidArgumentException quoting the input and Docker's rule when it is not a valid tag reference
   */
  public static Reference parse(String text) throws InvalidArgumentException {
    String[] normal = normalize(Objects.requireNonNull(text, "text"));
    return new Reference(normal[0], normal[1]);
  }

  /** {familiar name, tag} of a reference. */
  private static String[] normalize(String text) throws InvalidArgumentException {
    if (text.contains("@")) {
      throw invalid(text, "a digest reference is not a tag");
    }
    String remainder = text;
    String tag = "latest";
    int slash = text.lastIndexOf('/');
    int colon = text.lastIndexOf(':');
    if (colon > slash) {
      tag = text.substring(colon + 1);
      remainder = text.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "bad tag '" + tag + "'");
      }
    }
    String domain = DEFAULT_DOMAIN;
    String path = remainder;
    int first = remainder.indexOf('/');
    if (first >= 0) {
      String head = remainder.substring(0, first);
      boolean isDomain = head.contains(".") || head.contains(":") || head.equals("localhost")
          || !head.toLowerCase(Locale.ROOT).equals(head);
      if (isDomain) {
        domain = head;
        path = remainder.substring(first + 1);
        if (!DOMAIN.matcher(domain).matches()) {
          throw invalid(text, "bad registry host '" + domain + "'");
        }
      }
    }
    if (domain.equals("index.docker.io")) {
      domain = DEFAULT_DOMAIN;
    }
    if (!path.toLowerCase(Locale.ROOT).equals(path)) {
      throw invalid(text, "repository name (" + path + ") must be lowercase");
    }
    if (!PATH.matcher(path).matches()) {
      throw invalid(text, "bad repository name '" + path + "'");
    }
    if (HEX64.matcher(path).matches() && domain.equals(DEFAULT_DOMAIN)) {
      throw invalid(text, "a repository name cannot be a 64-character hexadecimal string");
    }
    String familiar;
    if (domain.equals(DEFAULT_DOMAIN)) {
      familiar = path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
    } else {
      familiar = domain + "/" + path;
    }
    String full = domain.equals(DEFAULT_DOMAIN) && !path.contains("/") ? "docker.io/library/" + path
        : domain.equals(DEFAULT_DOMAIN) ? "docker.io/" + path : familiar;
    if (full.length() > 255) {
      throw invalid(text, "repository name must not be more than 255 characters");
    }
    return new String[] {familiar, tag};
  }

  /** The fully qualified form containerd writes, e.g. {@code docker.io/library/busybox:latest}. */
  public String fullName() {
    int first = name.indexOf('/');
    String head = first < 0 ? "" : name.substring(0, first);
    boolean hasDomain = head.contains(".") || head.contains(":") || head.equals("localhost");
    if (hasDomain) {
      return toString();
    }
    return (first < 0 ? "docker.io/library/" : "docker.io/") + toString();
  }

  @Override
  public int compareTo(Reference other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return name + ":" + tag;
  }

  private static InvalidArgumentException invalid(String text, String why) {
    return new InvalidArgumentException(text,
        "invalid reference format '" + text + "': " + why + " (" + RULE + ")");
  }
}
