/** The starting point of "New AsyncAPI 3.0 document": valid, and showing each part a service needs. */
export function newAsyncApiDocument(title = 'My Service'): string {
  return `asyncapi: 3.0.0
info:
  title: ${title}
  version: 1.0.0
  description: What this service does with events.
servers:
  local:
    host: localhost:1883
    protocol: mqtt
    description: The local broker.
channels:
  userSignedUp:
    address: users/{userId}/signedup
    parameters:
      userId:
        description: Id of the user.
    messages:
      UserSignedUp:
        $ref: '#/components/messages/UserSignedUp'
operations:
  publishUserSignedUp:
    action: send
    channel:
      $ref: '#/channels/userSignedUp'
    messages:
      - $ref: '#/channels/userSignedUp/messages/UserSignedUp'
components:
  messages:
    UserSignedUp:
      name: UserSignedUp
      title: User signed up
      contentType: application/json
      correlationId:
        location: $message.header#/correlationId
      headers:
        type: object
        required: [correlationId]
        properties:
          correlationId:
            type: string
            format: uuid
      payload:
        $ref: '#/components/schemas/UserSignedUpPayload'
      examples:
        - name: newUser
          headers:
            correlationId: 5a7d2f3c-8b1e-4c9a-9f2d-1e3b4c5d6e7f
          payload:
            userId: u-123
            email: ada@example.com
  schemas:
    UserSignedUpPayload:
      type: object
      additionalProperties: false
      required: [userId, email]
      properties:
        userId:
          type: string
        email:
          type: string
          format: email
`;
}
