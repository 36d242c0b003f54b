import type { Config } from "tailwindcss";

// Kept small on purpose: a dark, calm palette that suits video, and the content globs.
export default {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}", "./lib/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        ink: {
          950: "#0b0d10",
          900: "#111419",
          850: "#161a21",
          800: "#1c212a",
          700: "#2a313d",
          600: "#3b4453",
        },
        accent: { 400: "#7dd3fc", 500: "#38bdf8", 600: "#0ea5e9" },
      },
      fontFamily: {
        sans: ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
      },
    },
  },
} satisfies Config;
