package dev.strata.volumeplugin;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 as Docker's plugin client speaks it over a unix socket: with an empty {@code Host}
 * header. Docker 20.10 puts the socket's path in the request URL's host, and Go's client, which
 * cuts a host at its first {@code /}, sends {@code Host: } with nothing after it; Jetty 12 answers
 * any request whose {@code Host} is blank with {@code 400 Blank Host}, with no setting to allow
 * it. Here a blank {@code Host} is read as {@code localhost}, the one host a unix socket has.
 *
 * <p>This reaches into Jetty's {@code server.internal} package (compiled with {@code
 * --add-exports}; Strata runs on the class path). {@code VolumePluginServerTest} sends Docker's
 * exact request, so a Jetty upgrade that changes these classes fails there, not in Docker.
 */
final class BlankHostConnectionFactory extends HttpConnectionFactory {

  private static final HostPortHttpField LOCALHOST = new HostPortHttpField("localhost");

  BlankHostConnectionFactory(HttpConfiguration configuration) {
    super(configuration);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
      @Override
      protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
        return new HttpStreamOverHTTP1(method, uri, version) {
          @Override
          public void parsedHeader(HttpField field) {
            boolean blankHost = field.getHeader() == HttpHeader.HOST
                && (field.getValue() == null || field.getValue().isBlank());
            super.parsedHeader(blankHost ? LOCALHOST : field);
          }
        };
      }
    };
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }
}
