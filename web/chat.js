// Starts the rasa-webchat widget in the visitor's language (English for a browser that asks for English
// first, French otherwise), talking to the assistant over Socket.IO; keeps the conversation for this tab
// only, with a "Nouvelle conversation" button to forget it; makes new messages heard by screen readers and
// the widget's buttons usable with the keyboard; asks "Cette réponse vous a-t-elle aidé ?" above the rating
// buttons the bot attaches to its answers with facts.
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
      inputLabel: "Votre message",
      newConversation: "Nouvelle conversation",
      newConversationHint: "Effacer cette conversation de l'écran et en commencer une nouvelle",
      ratingQuestion: "Cette réponse vous a-t-elle aidé ?",
      // The titles of the bot's rating buttons (actions/wording.py; a test checks that they agree).
      ratingHelpful: "👍 Utile",
      ratingNotHelpful: "👎 Pas utile",
      ratingHelpfulLabel: "Utile : cette réponse m'a aidé",
      ratingNotHelpfulLabel: "Pas utile : cette réponse ne m'a pas aidé"
    },
    en: {
      title: "Cité des Métiers",
      subtitle: "Virtual assistant, free and anonymous",
      inputTextFieldHint: "Ask your question…",
      connectingText: "Connecting…",
      conversationLabel: "Conversation with the assistant",
      launcherLabel: "Open or close the conversation with the assistant",
      inputLabel: "Your message",
      newConversation: "New conversation",
      newConversationHint: "Clear this conversation from the screen and start a new one",
      ratingQuestion: "Did this answer help you?",
      // The titles of the bot's rating buttons (actions/wording_en.py).
      ratingHelpful: "👍 Helpful",
      ratingNotHelpful: "👎 Not helpful",
      ratingHelpfulLabel: "Helpful: this answer helped me",
      ratingNotHelpfulLabel: "Not helpful: this answer did not help me"
    }
  };

  // Where rasa-webchat keeps the conversation (its messages and its session id, which Rasa gives at the
  // first connection and which names the conversation in the tracker store).
  var STORAGE_KEY = "chat_session";
  // Set by "Nouvelle conversation" just before the page reloads: the next load starts without the old state.
  var NEW_CONVERSATION_FLAG = "cdm_new_conversation";

  // English when the browser's first preferred language is English (en, en-US, en-GB...), else French.
  function visitorLanguage() {
    var preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return preferred.toLowerCase().indexOf("en") === 0 ? "en" : "fr";
  }

  var language = visitorLanguage();
  var texts = TEXTS[language];

  // Shared computers (the centre's cyber-space, libraries): the conversation stays in this tab only
  // (sessionStorage survives a reload, not the tab). Earlier versions kept it in localStorage: forget it.
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch (ignored) {
    // Storage refused (private browsing, policy): nothing was kept there either.
  }
  var ratingQuestions = 0; // numbers the rating questions' ids
  var startingAfresh = window.sessionStorage.getItem(NEW_CONVERSATION_FLAG) !== null;
  if (startingAfresh) {
    window.sessionStorage.removeItem(STORAGE_KEY);
    window.sessionStorage.removeItem(NEW_CONVERSATION_FLAG);
  }

  // Forgets the conversation and reloads the page: the widget starts afresh, with no messages and no
  // session id, so Rasa gives it a new conversation id (the old conversation stays only in the tracker
  // store, until the retention purge). The flag clears again what the old widget may still write.
  function startNewConversation() {
    window.sessionStorage.setItem(NEW_CONVERSATION_FLAG, "1");
    window.sessionStorage.removeItem(STORAGE_KEY);
    window.location.reload();
  }

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
      // The conversation survives a page reload (Rasa's socketio session_persistence), in this tab only.
      params: { storage: "session" },
      showMessageDate: false,
      customMessageDelay: function () { return 400; },
      displayUnreadCount: true,
      embedded: false
    },
    null
  );

  function focusInput() {
    var input = document.querySelector(".rw-new-message");
    if (input) {
      input.focus();
    }
  }

  // The widget's buttons are divs: make each a button for the keyboard (Tab, Enter, Space) and for
  // screen readers. After a choice the buttons go away: the focus goes back to the input.
  function makeReplyUsable(reply) {
    reply.setAttribute("data-cdm-ready", "");
    if (reply.tagName === "A") {
      return; // a link is focusable and named already
    }
    reply.setAttribute("role", "button");
    reply.setAttribute("tabindex", "0");
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reply.click();
        focusInput();
      }
    });
  }

  // The language of a pair of rating buttons (the bot's, which may differ from the browser's), or null.
  function ratingLanguage(replies) {
    var titles = Array.prototype.map.call(replies.querySelectorAll(".rw-reply"), function (reply) {
      return reply.textContent;
    });
    for (var code in TEXTS) {
      if (titles.length === 2 && titles[0] === TEXTS[code].ratingHelpful && titles[1] === TEXTS[code].ratingNotHelpful) {
        return code;
      }
    }
    return null;
  }

  // The question above the rating buttons, which name the group and say what each one means.
  function labelRating(replies) {
    replies.setAttribute("data-cdm-rating", "");
    var code = ratingLanguage(replies);
    if (code === null) {
      return;
    }
    var question = document.createElement("p");
    question.className = "cdm-rating-question";
    ratingQuestions += 1;
    question.id = "cdm-rating-question-" + ratingQuestions;
    question.textContent = TEXTS[code].ratingQuestion;
    replies.insertBefore(question, replies.firstChild);
    replies.setAttribute("role", "group");
    replies.setAttribute("aria-labelledby", question.id);
    var buttons = replies.querySelectorAll(".rw-reply");
    buttons[0].setAttribute("aria-label", TEXTS[code].ratingHelpfulLabel);
    buttons[1].setAttribute("aria-label", TEXTS[code].ratingNotHelpfulLabel);
  }

  // In a bar of its own under the widget's header, where it fits beside nothing else at any width.
  function addNewConversationButton(header) {
    var bar = document.createElement("div");
    bar.className = "cdm-toolbar";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cdm-new-conversation";
    button.textContent = texts.newConversation;
    button.title = texts.newConversationHint;
    button.addEventListener("click", startNewConversation);
    bar.appendChild(button);
    header.parentNode.insertBefore(bar, header.nextSibling);
  }

  // The widget renders (and re-renders) its parts over time: each is completed when it appears.
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
    var header = document.querySelector(".rw-header");
    if (header && !document.querySelector(".cdm-new-conversation")) {
      addNewConversationButton(header);
    }
    document.querySelectorAll(".rw-reply:not([data-cdm-ready])").forEach(makeReplyUsable);
    document.querySelectorAll(".rw-replies:not([data-cdm-rating])").forEach(labelRating);
    // After "Nouvelle conversation", the widget opens by itself (it sends its greeting when it opens).
    if (startingAfresh && launcher && !document.querySelector(".rw-conversation-container")) {
      startingAfresh = false;
      launcher.click();
    } else if (startingAfresh && input) {
      startingAfresh = false;
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
})();
