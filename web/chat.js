// Starts the rasa-webchat widget in French, talking to the assistant over Socket.IO,
// and makes new messages heard by screen readers.
(function () {
  "use strict";
  var config = window.CDM_ASSISTANT || {};
  window.WebChat.default(
    {
      socketUrl: config.socketUrl || location.protocol + "//" + location.hostname + ":" + config.rasaPort,
      socketPath: "/socket.io/",
      initPayload: "/greet",
      customData: { language: "fr" },
      title: "Cité des Métiers",
      subtitle: "Assistant virtuel, gratuit et anonyme",
      inputTextFieldHint: "Posez votre question…",
      connectingText: "Connexion…",
      // The conversation survives a page reload (Rasa's socketio session_persistence).
      params: { storage: "local" },
      showMessageDate: false,
      customMessageDelay: function () { return 400; },
      displayUnreadCount: true,
      embedded: false
    },
    null
  );

  // Screen readers: announce each new message; name the launcher button.
  var observer = new MutationObserver(function () {
    var messages = document.querySelector(".rw-messages-container");
    if (messages && !messages.hasAttribute("aria-live")) {
      messages.setAttribute("role", "log");
      messages.setAttribute("aria-live", "polite");
      messages.setAttribute("aria-label", "Conversation avec l'assistant");
    }
    var launcher = document.querySelector(".rw-launcher");
    if (launcher && !launcher.hasAttribute("aria-label")) {
      launcher.setAttribute("aria-label", "Ouvrir ou fermer la conversation avec l'assistant");
    }
    var input = document.querySelector(".rw-new-message");
    if (input && !input.hasAttribute("aria-label")) {
      input.setAttribute("aria-label", "Votre message");
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
})();
