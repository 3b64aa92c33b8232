import Foundation

final class HelperDelegate: NSObject, NSXPCListenerDelegate {
    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection connection: NSXPCConnection) -> Bool {
        // Only our own app, signed with our Developer ID, may connect.
        connection.setCodeSigningRequirement("identifier \"com.example.app\" and anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"")
        connection.exportedInterface = NSXPCInterface(with: HelperProtocol.self)
        connection.resume()
        return true
    }
}
