package dev.strata.volume;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.error.InvalidArgumentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local driver's options, checked as Docker checks them ({@code daemon/volume/local}): only
 * {@code type}, {@code device}, {@code o} and {@code size}; {@code device} and {@code type} only
 * together, {@code o} only with both; sizes as {@code RAMInBytes} reads them. Every message masks a
 * password in {@code o}.
 */
final class LocalOptions {

  static final String TYPE = "type";
  static final String DEVICE = "device";
  static final String OPTIONS = "o";
  static final String SIZE = "size";
  private static final List<String> KEYS = List.of(TYPE, DEVICE, OPTIONS, SIZE);

  private LocalOptions() {}

  /**
   * Checks {@code options} for the local driver.
   *
   * @throws InvalidArgumentException naming the option at fault
   */
  static void validate(Map<String, String> options) throws InvalidArgumentException {
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new InvalidArgumentException(e.getKey(), "invalid option: \"" + e.getKey()
            + "\" (the local driver takes " + String.join(", ", KEYS) + ")");
      }
      if (e.getValue().isEmpty()) {
        throw new InvalidArgumentException(e.getKey(), "option \"" + e.getKey() + "\" has an empty value");
      }
    }
    boolean type = options.containsKey(TYPE);
    boolean device = options.containsKey(DEVICE);
    if (device && !type) {
      throw missing(TYPE, "device");
    }
    if (type && !device) {
      throw missing(DEVICE, "type");
    }
    if (options.containsKey(OPTIONS) && !(type && device)) {
      throw missing(type ? DEVICE : TYPE, "o");
    }
    if (options.containsKey(SIZE)) {
      long bytes = ByteSizes.parse(SIZE, options.get(SIZE));
      if (bytes <= 0) {
        throw new InvalidArgumentException(SIZE, "size=" + options.get(SIZE) + " must be more than 0 bytes");
      }
    }
    if ("cifs".equals(options.get(TYPE))) {
      checkCifsDevice(options.get(DEVICE));
    }
  }

  /** True when the options ask for a filesystem of its own mounted on {@code _data}. */
  static boolean needsMount(Map<String, String> options) {
    return options.containsKey(TYPE) || options.containsKey(DEVICE);
  }

  /** The comma-separated {@code o} as a list, empty when absent. */
  static List<String> mountOptions(Map<String, String> options) {
    String o = options.getOrDefault(OPTIONS, "");
    return o.isEmpty() ? List.of() : List.of(o.split(","));
  }

  /** True for {@code type=none,o=bind} (or {@code rbind}): a directory bound onto {@code _data}. */
  static boolean isBind(Map<String, String> options) {
    Set<String> o = Set.copyOf(mountOptions(options));
    return o.contains("bind") || o.contains("rbind") || "bind".equals(options.get(TYPE));
  }

  private static InvalidArgumentException missing(String key, String because) {
    return new InvalidArgumentException(key, "missing required option: \"" + key + "\" (needed by \"" + because + "\")");
  }

  private static void checkCifsDevice(String device) throws InvalidArgumentException {
    try {
      URI uri = new URI(device.replace('\\', '/'));
      if (uri.getPort() != -1) {
        throw new InvalidArgumentException(DEVICE,
            "port not allowed in CIFS device URL, include 'port' in 'o=' (host " + uri.getHost() + ")");
      }
    } catch (URISyntaxException e) {
      // The device may carry credentials (//user:secret@host/share): never quoted.
      throw new InvalidArgumentException(DEVICE, "cannot parse the CIFS device URL: " + e.getReason().replace(device, "<device>"));
    }
  }
}
