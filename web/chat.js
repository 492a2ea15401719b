// Starts the rasa-webchat widget in the visitor's language (English for a browser that asks for English
// first, French otherwise), talking to the assistant over Socket.IO; keeps the conversation for this tab
// only, with a "Nouvelle conversation" button to forget it; follows the conversation's language (each bot
// message carries the class cdm-lang-fr or cdm-lang-en: the widget's texts switch, every message gets its
// lang); makes new messages heard by screen readers and the widget usable with the keyboard (named
// buttons, Escape closes, the focus goes back to the launcher); shows the greeting before anything the
// visitor typed; asks "Cette réponse vous a-t-elle aidé ?" above the rating buttons.
(function () {
  "use strict";
  var config = window.CDM_ASSISTANT || {};

  // The widget's own texts, in the conversation's language: the browser's at first, then the bot's.
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
      sendLabel: "Envoyer",
      closeLabel: "Fermer la conversation",
      closePreviewLabel: "Fermer l'aperçu du message",
      newWindow: "nouvelle fenêtre",
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
      sendLabel: "Send",
      closeLabel: "Close the conversation",
      closePreviewLabel: "Close the message preview",
      newWindow: "new window",
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

  var language = visitorLanguage(); // the browser's: the greeting's language
  var conversationLanguage = language; // the language of the bot's last message
  var texts = TEXTS[language];
  // Seconds the visitor's first message waits for the greeting (a server that never greets must not
  // swallow it).
  var GREETING_WAIT_MS = 10000;

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

  // The rating buttons among quick replies (other replies, such as "En savoir plus", may follow them).
  function findReply(replies, title) {
    return Array.prototype.filter.call(replies.querySelectorAll(".rw-reply"), function (reply) {
      return reply.textContent === title;
    })[0];
  }

  // The language of the rating buttons (the bot's, which may differ from the browser's), or null.
  function ratingLanguage(replies) {
    for (var code in TEXTS) {
      if (findReply(replies, TEXTS[code].ratingHelpful) && findReply(replies, TEXTS[code].ratingNotHelpful)) {
        return code;
      }
    }
    return null;
  }

  // The question above the rating buttons, which name the group and say what each one means (the
  // emoji's text alternative, RGAA 13.5 : the name says the whole choice).
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
    findReply(replies, TEXTS[code].ratingHelpful).setAttribute("aria-label", TEXTS[code].ratingHelpfulLabel);
    findReply(replies, TEXTS[code].ratingNotHelpful).setAttribute("aria-label", TEXTS[code].ratingNotHelpfulLabel);
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

  function setAttr(element, name, value) {
    if (element && element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  // The language a bot message's class says (rasa-webchat puts metadata.customCss's class on its
  // .rw-response element), or null for a message without one.
  function messageLanguage(response) {
    var match = /(?:^|\s)cdm-lang-([a-z]+)(?:\s|$)/.exec(response.className);
    return match && TEXTS[match[1]] ? match[1] : null;
  }

  // Every message gets its lang (RGAA 8.7): a bot message its class's; a visitor's message the language
  // of the bot's answer to it, or while it waits for one, the conversation's. The conversation's language
  // is the bot's last message's.
  function labelMessagesLanguage() {
    var messages = document.querySelectorAll(".rw-messages-container .rw-message");
    var responses = document.querySelectorAll(".rw-messages-container .rw-response");
    var code = language;
    for (var index = responses.length - 1; index >= 0; index -= 1) {
      var said = messageLanguage(responses[index]);
      if (said) {
        code = said;
        break;
      }
    }
    conversationLanguage = code;
    var next = conversationLanguage;
    for (var position = messages.length - 1; position >= 0; position -= 1) {
      var message = messages[position];
      var response = message.querySelector(".rw-response");
      if (response) {
        var own = messageLanguage(response);
        if (own) {
          next = own;
          setAttr(message, "lang", own);
        }
      } else if (message.querySelector(".rw-client")) {
        setAttr(message, "lang", next);
      }
    }
  }

  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  // The widget's own texts, names and labels, in the conversation's language.
  function applyTexts() {
    texts = TEXTS[conversationLanguage];
    setAttr(document.querySelector(".rw-widget-container"), "lang", conversationLanguage);
    var messages = document.querySelector(".rw-messages-container");
    if (messages) {
      setAttr(messages, "role", "log");
      setAttr(messages, "aria-live", "polite");
      setAttr(messages, "aria-label", texts.conversationLabel);
    }
    var launcher = document.querySelector(".rw-launcher");
    setAttr(launcher, "aria-label", texts.launcherLabel);
    setAttr(launcher, "aria-expanded", String(document.querySelector(".rw-conversation-container") !== null));
    var input = document.querySelector(".rw-new-message");
    setAttr(input, "aria-label", texts.inputLabel);
    setAttr(input, "placeholder", texts.inputTextFieldHint);
    setText(document.querySelector(".rw-header > span"), texts.subtitle);
    setText(document.querySelector(".rw-title"), texts.title);
    // rasa-webchat's title is an h4 under the page's h1: a level 2 heading for screen readers (RGAA 9.1).
    setAttr(document.querySelector(".rw-title"), "aria-level", "2");
    var send = document.querySelector(".rw-send");
    setAttr(send, "aria-label", texts.sendLabel);
    setAttr(send && send.querySelector("svg"), "aria-hidden", "true");
    setAttr(send && send.querySelector("svg"), "focusable", "false");
    namedIconButtons(".rw-close-button", texts.closeLabel);
    namedIconButtons(".rw-tooltip-close button", texts.closePreviewLabel);
    var newConversation = document.querySelector(".cdm-new-conversation");
    setText(newConversation, texts.newConversation);
    setAttr(newConversation, "title", texts.newConversationHint);
    // A link of an answer opens a new tab: its title says so, after its text (RGAA 6.1).
    document.querySelectorAll(".rw-messages-container .rw-markdown a[target='_blank']").forEach(function (link) {
      var code = (link.closest("[lang]") || {}).lang || conversationLanguage;
      setAttr(link, "title", link.textContent + " (" + (TEXTS[code] || texts).newWindow + ")");
    });
  }

  // rasa-webchat's icon buttons (an image whose alt is English), named in the conversation's language.
  function namedIconButtons(selector, label) {
    document.querySelectorAll(selector).forEach(function (button) {
      setAttr(button, "type", "button");
      setAttr(button, "aria-label", label);
      button.querySelectorAll("img").forEach(function (image) {
        setAttr(image, "alt", "");
      });
    });
  }

  // The greeting first: a message the visitor sends before the greeting is on screen waits in the input
  // (rasa-webchat would show it above the greeting), and goes once the greeting is shown.
  var waitingMessage = null; // the form whose submission waits, and since when
  function greeted() {
    return document.querySelector(".rw-messages-container .rw-response") !== null &&
      document.querySelector(".rw-typing-indication") === null;
  }
  window.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("rw-sender") || greeted()) {
        return;
      }
      if (waitingMessage && Date.now() - waitingMessage.since > GREETING_WAIT_MS) {
        return; // no greeting came: send anyway
      }
      // Before rasa-webchat's handler (capture, on window): the text stays in the input for now.
      event.preventDefault();
      event.stopImmediatePropagation();
      waitingMessage = { form: form, since: waitingMessage ? waitingMessage.since : Date.now() };
      window.setTimeout(sendWaitingMessage, GREETING_WAIT_MS + 100);
    },
    true
  );
  function sendWaitingMessage() {
    if (waitingMessage && (greeted() || Date.now() - waitingMessage.since > GREETING_WAIT_MS)) {
      var form = waitingMessage.form;
      waitingMessage = null;
      if (form.isConnected) {
        form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    }
  }

  // Escape closes the conversation (from anywhere in the widget, or from the page), and the focus goes
  // back to the launcher, as it does after the close button.
  var focusLauncher = false;
  function closeConversation() {
    var close = document.querySelector(".rw-close-button");
    var launcher = document.querySelector(".rw-launcher");
    focusLauncher = true;
    if (close) {
      close.click();
    } else if (launcher) {
      launcher.click();
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.querySelector(".rw-conversation-container")) {
      event.preventDefault();
      closeConversation();
    }
  });
  document.addEventListener(
    "click",
    function (event) {
      if (event.target instanceof Element && event.target.closest(".rw-close-button")) {
        focusLauncher = true;
      }
    },
    true
  );
  function moveFocusToLauncher() {
    var launcher = document.querySelector(".rw-launcher");
    if (focusLauncher && launcher && !document.querySelector(".rw-conversation-container")) {
      focusLauncher = false;
      launcher.focus();
    }
  }

  // The widget renders (and re-renders) its parts over time: each is completed when it appears.
  var observer = new MutationObserver(function () {
    var launcher = document.querySelector(".rw-launcher");
    var input = document.querySelector(".rw-new-message");
    var header = document.querySelector(".rw-header");
    if (header && !document.querySelector(".cdm-new-conversation")) {
      addNewConversationButton(header);
    }
    labelMessagesLanguage();
    applyTexts();
    document.querySelectorAll(".rw-reply:not([data-cdm-ready])").forEach(makeReplyUsable);
    document.querySelectorAll(".rw-replies:not([data-cdm-rating])").forEach(labelRating);
    sendWaitingMessage();
    moveFocusToLauncher();
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
