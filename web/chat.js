// Starts the rasa-webchat widget in the visitor's language (English for a browser that asks for English
// first, French otherwise), talking to the assistant over Socket.IO, and makes new messages heard by
// screen readers.
(function () {
  "use strict";
  var config = window.CDM_ASSISTANT || {};

  // The widget's own texts; the bot answers in the language sent with the first message.
  var TEXTS = {
    fr: {
      title: "Cité des Métiers",
      subtitle: "Assistant virtuel, gratuit et anonyme",
      inputTextFieldHint: "Posez votre question…",
      connectingText: "Connexion…",
      conversationLabel: "Conversation avec l'assistant",
      launcherLabel: "Ouvrir ou fermer la conversation avec l'assistant",
      inputLabel: "Votre message"
    },
    en: {
      title: "Cité des Métiers",
      subtitle: "Virtual assistant, free and anonymous",
      inputTextFieldHint: "Ask your question…",
      connectingText: "Connecting…",
      conversationLabel: "Conversation with the assistant",
      launcherLabel: "Open or close the conversation with the assistant",
      inputLabel: "Your message"
    }
  };

  // English when the browser's first preferred language is English (en, en-US, en-GB...), else French.
  function visitorLanguage() {
    var preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return preferred.toLowerCase().indexOf("en") === 0 ? "en" : "fr";
  }

  var language = visitorLanguage();
  var texts = TEXTS[language];

  window.WebChat.default(
    {
      socketUrl: config.socketUrl || location.protocol + "//" + location.hostname + ":" + config.rasaPort,
      socketPath: "/socket.io/",
      // Rasa reads this as the intent greet with the entity language, which sets the slot language.
      initPayload: '/greet{"language": "' + language + '"}',
      customData: { language: language },
      title: texts.title,
      subtitle: texts.subtitle,
      inputTextFieldHint: texts.inputTextFieldHint,
      connectingText: texts.connectingText,
      // The conversation survives a page reload (Rasa's socketio session_persistence).
      params: { storage: "local" },
      showMessageDate: false,
      customMessageDelay: function () { return 400; },
      displayUnreadCount: true,
      embedded: false
    },
    null
  );

  // Screen readers: the widget's language (the page is in French), announce each new message,
  // name the launcher button and the input.
  var observer = new MutationObserver(function () {
    var widget = document.querySelector(".rw-widget-container");
    if (widget && !widget.hasAttribute("lang")) {
      widget.setAttribute("lang", language);
    }
    var messages = document.querySelector(".rw-messages-container");
    if (messages && !messages.hasAttribute("aria-live")) {
      messages.setAttribute("role", "log");
      messages.setAttribute("aria-live", "polite");
      messages.setAttribute("aria-label", texts.conversationLabel);
    }
    var launcher = document.querySelector(".rw-launcher");
    if (launcher && !launcher.hasAttribute("aria-label")) {
      launcher.setAttribute("aria-label", texts.launcherLabel);
    }
    var input = document.querySelector(".rw-new-message");
    if (input && !input.hasAttribute("aria-label")) {
      input.setAttribute("aria-label", texts.inputLabel);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
})();
