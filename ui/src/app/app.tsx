import { Layout } from "../components/ui/layout";
import { RouterProvider } from "../lib/router";
import { AppRoutes } from "./router";

export function App() {
  return (
    <RouterProvider>
      <Layout>
        <AppRoutes />
      </Layout>
    </RouterProvider>
  );
}
